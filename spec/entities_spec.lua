-- modu.entities: a registry built from the seed article's names (the article
-- calls one company iFLYTEK, HKUST Xunfei, Keda Xunfei and HKUST iFlytek),
-- resolved by match keys first and by similarity second.
local modu = require "modu"
local support = require "spec.support"

local NA = modu.NA
local raises = support.raises

-- id -> { kind, names }: spellings as the seed article (id) and its sources write them
local SEED = {
  iflytek = { kind = "company", names = {
    en = { "iFLYTEK", "iFlytek", "HKUST iFlytek" },
    id = { "HKUST Xunfei", "Keda Xunfei" },
    zh = { "科大讯飞" },
  } },
  cambricon = { kind = "company", names = { en = { "Cambricon", "Cambrian" }, zh = { "寒武纪" } } },
  china_sound_valley = { kind = "park", names = {
    en = { "China Sound Valley", "China Voice Valley" }, zh = { "中国声谷" },
  } },
  baidu = { kind = "company", names = { en = "Baidu", zh = "百度" } },
  alibaba = { kind = "company", names = { en = { "Alibaba", "Ali" }, zh = { "阿里巴巴", "阿里" } } },
  tencent = { kind = "company", names = { en = "Tencent", zh = "腾讯" } },
  huawei = { kind = "company", names = { en = "Huawei", zh = "华为" } },
  qihoo360 = { kind = "company", names = { en = { "360", "Qihoo 360" }, zh = { "三六零" } } },
  pony = { kind = "company", names = { en = "Pony.ai", zh = "小马智行" } },
  changxin = { kind = "company", names = { en = { "Changxin Storage", "ChangXin Memory" }, zh = "长鑫存储" } },
  beijing = { kind = "city", names = { en = "Beijing", zh = "北京" } },
  shenzhen = { kind = "city", names = { en = "Shenzhen", zh = "深圳" } },
  shanghai = { kind = "city", names = { en = "Shanghai", zh = "上海" } },
  hangzhou = { kind = "city", names = { en = "Hangzhou", zh = "杭州" } },
  hefei = { kind = "city", names = { en = "Hefei", zh = "合肥" } },
  xian = { kind = "city", names = { en = { "Xi'an", "Xian" }, zh = "西安" } },
  zhengzhou = { kind = "city", names = { en = "Zhengzhou", zh = "郑州" } },
  jinan = { kind = "city", names = { en = "Jinan", zh = "济南" } },
  wuhan = { kind = "city", names = { en = "Wuhan", zh = "武汉" } },
  nanjing = { kind = "city", names = { en = "Nanjing", zh = "南京" } },
  anhui = { kind = "province", names = { en = "Anhui", zh = "安徽", id = "Provinsi Anhui" } },
  hebei = { kind = "province", names = { en = "Hebei", zh = "河北" } },
  fujian = { kind = "province", names = { en = "Fujian", zh = "福建" } },
}

local function registry(opts)
  local reg = modu.entities.new(opts)
  local ids = {}
  for id in pairs(SEED) do ids[#ids + 1] = id end
  table.sort(ids)
  for _, id in ipairs(ids) do reg:add(id, SEED[id]) end
  return reg
end

describe("modu.entities", function()
  local reg = registry()

  it("holds every entity once", function()
    local n = 0
    for _ in pairs(SEED) do n = n + 1 end
    assert.are.equal(n, #reg)
    assert.are.equal("company", reg:kind("iflytek"))
  end)

  it("resolves every alias of every entity to its own id, exactly", function()
    for id, spec in pairs(SEED) do
      for _, list in pairs(spec.names) do
        if type(list) == "string" then list = { list } end
        for _, name in ipairs(list) do
          local got, score, alias = reg:resolve(name)
          assert.are.equal(id, got, name)
          assert.are.equal(1.0, score, name)
          assert.are.equal(modu.text.key(name), modu.text.key(alias), name)
        end
      end
    end
  end)

  it("resolves the four names of iFLYTEK in the article, and 科大讯飞, to one id", function()
    for _, name in ipairs({ "iFLYTEK", "HKUST Xunfei", "Keda Xunfei", "HKUST iFlytek", "iFlytek", "科大讯飞" }) do
      assert.are.equal("iflytek", (reg:resolve(name)))
    end
  end)

  it("resolves spellings that differ in case, width, quotes, marks and spaces", function()
    local cases = {
      { "IFLYTEK", "iflytek" }, { "hkust  iflytek ", "iflytek" }, { "Ｋｅｄａ Ｘｕｎｆｅｉ", "iflytek" },
      { "XI’AN", "xian" }, { "Xī'ān", "xian" }, { "china voice valley", "china_sound_valley" },
      { "“China Sound Valley”", nil }, -- quotes stay in the key: no exact match, and not similar enough
      { "ＢＥＩＪＩＮＧ", "beijing" },
    }
    for _, c in ipairs(cases) do
      local got, score = reg:resolve(c[1], { threshold = 0.95 })
      assert.are.equal(c[2], got, c[1])
      if c[2] then assert.are.equal(1.0, score, c[1]) end
    end
  end)

  it("falls back to a fuzzy match above the threshold", function()
    local id, score, alias = reg:resolve("Shenzen")
    assert.are.equal("shenzhen", id)
    assert.is_true(score < 1 and score >= 0.8)
    assert.are.equal("Shenzhen", alias)
    assert.are.equal("iflytek", (reg:resolve("iFlytec")))
    assert.are.equal("cambricon", (reg:resolve("Cambrican", { method = "dl" })))
    assert.are.equal("iflytek", (reg:resolve("HKUST Xunfie"))) -- a swap of neighbours is one edit
  end)

  it("returns nothing below the threshold, with the best score seen", function()
    local id, score = reg:resolve("Tokyo")
    assert.is_nil(id)
    assert.is_true(score < 0.8)
    assert.is_nil((reg:resolve("Shenzen", { threshold = 0.9 })))
  end)

  it("returns all candidates instead of guessing when entities tie", function()
    -- Hexei is one edit from both Hebei and Hefei
    local id, score, alias, cands = reg:resolve("Hexei")
    assert.is_nil(id)
    assert.is_nil(alias)
    assert.are.equal(0.8, score)
    local got = {}
    for _, c in ipairs(cands) do got[#got + 1] = c.id end
    table.sort(got)
    assert.are.same({ "hebei", "hefei" }, got)
    -- the kind option breaks the tie
    assert.are.equal("hefei", (modu.entities.new():add("hefei", SEED.hefei):add("hebei", SEED.hebei)
      :resolve("Hexei", { kind = "city" })))
  end)

  it("returns all candidates when two entities share an alias", function()
    local r = modu.entities.new()
    r:add("ali_person", { kind = "person", names = { en = "Ali" } })
    r:add("alibaba", SEED.alibaba)
    local id, score, _, cands = r:resolve("ali")
    assert.is_nil(id)
    assert.are.equal(1.0, score)
    assert.are.equal(2, #cands)
    assert.are.equal("alibaba", (r:resolve("Ali", { kind = "company" })))
  end)

  it("works with trigram similarity too", function()
    local r = registry({ method = "trigram", threshold = 0.5 })
    assert.are.equal("china_sound_valley", (r:resolve("China Sound Vally")))
  end)

  it("lists an entity's aliases, all and by language", function()
    local all, by = reg:aliases("iflytek")
    assert.are.same({ "iFLYTEK", "iFlytek", "HKUST iFlytek", "HKUST Xunfei", "Keda Xunfei", "科大讯飞" }, all)
    assert.are.same({ "科大讯飞" }, by.zh)
    assert.are.same({ "HKUST Xunfei", "Keda Xunfei" }, by.id)
  end)

  it("resolves a column: an id column and a score column", function()
    local col = modu.column({ "iFLYTEK", "Keda Xunfei", NA, "深圳", "Shenzen", "Tokyo", "iFLYTEK", "Hexei" })
    local ids, scores = reg:resolve_column(col)
    assert.are.same({ "iflytek", "iflytek", NA, "shenzhen", "shenzhen", NA, "iflytek", NA }, ids:to_table())
    assert.are.equal("str", ids:type())
    assert.are.equal("float", scores:type())
    local s = scores:to_table()
    assert.are.same({ 1.0, 1.0, NA, 1.0 }, { s[1], s[2], s[3], s[4] })
    assert.is_true(s[5] >= 0.8 and s[5] < 1)
    assert.is_true(s[6] < 0.8)
    assert.are.equal(0.8, s[8])
  end)

  it("resolves every alias of every entity the shipped dataset takes from the article to one id", function()
    local data = require "modu.data"
    local t = data.frames()
    local r = data.registry(t)
    local n, seen = 0, {}
    for _, a in ipairs(t.aliases:to_rows()) do
      local got, score, alias, cands = r:resolve(a.alias)
      assert.are.equal(a.entity, got, a.alias .. (cands and (" is shared by " .. #cands .. " entities") or ""))
      assert.are.equal(1.0, score, a.alias)
      assert.are.equal(modu.text.key(a.alias), modu.text.key(alias), a.alias)
      -- the same alias read from another column of the page resolves the same way
      local ids = r:resolve_column(modu.column({ a.alias }))
      assert.are.equal(a.entity, ids:to_table()[1], a.alias)
      seen[a.entity] = true
      n = n + 1
    end
    local ne = 0
    for _ in pairs(seen) do ne = ne + 1 end
    assert.are.equal(#r, ne) -- every entity has at least one alias, and each was tried
    assert.is_true(n >= 100, "only " .. n .. " aliases")
  end)

  it("is printed with its size", function()
    assert.matches("^modu.Entities %(%d+ entities, %d+ keys%)$", tostring(reg))
  end)
end)

describe("modu.entities errors", function()
  local reg = registry()

  it("names the bad argument", function()
    raises("add: id must be a non-empty string, got number", function() return modu.entities.new():add(1, {}) end)
    raises("add: id 'baidu' is already registered", function() return reg:add("baidu", SEED.baidu) end)
    raises("add: spec for 'x' must be a table, got string", function() return reg:add("x", "city") end)
    raises("add: kind of 'x' must be a non-empty string such as \"city\"",
      function() return reg:add("x", { names = { en = "X" } }) end)
    raises("add: names of 'x' must be a table keyed by language",
      function() return reg:add("x", { kind = "city", names = "X" }) end)
    raises("add: names.en[2] of 'x' must be a string, got number",
      function() return reg:add("x", { kind = "city", names = { en = { "X", 2 } } }) end)
    raises("add: names.en[1] of 'x': key: invalid UTF-8 at byte 2",
      function() return reg:add("x", { kind = "city", names = { en = { "X\xff" } } }) end)
    raises("add: names.en[1] of 'x' is empty once normalized",
      function() return reg:add("x", { kind = "city", names = { en = { " \u{200B} " } } }) end)
    raises("add: unknown field 'name' in the spec for 'x' (fields: kind, names)",
      function() return reg:add("x", { kind = "city", name = "X" }) end)
    raises("add: 'x' has no names", function() return reg:add("x", { kind = "city", names = {} }) end)
    raises("resolve: name must be a string, got nil", function() return reg:resolve(nil) end)
    raises("resolve: threshold must be a number from 0 to 1, got 2",
      function() return reg:resolve("x", { threshold = 2 }) end)
    raises("resolve: unknown method 'lev' (methods: dl, trigram)",
      function() return reg:resolve("x", { method = "lev" }) end)
    raises("resolve: unknown option 'kinds' (options: kind, method, threshold)",
      function() return reg:resolve("x", { kinds = "city" }) end)
    raises("aliases: no entity 'ifly' (ids: ", function() return reg:aliases("ifly") end)
    raises("resolve_column: expected a modu.Column of str, got table", function() return reg:resolve_column({}) end)
    raises("resolve_column: expected a str column, got int",
      function() return reg:resolve_column(modu.column({ 1 })) end)
    raises("new: threshold must be a number from 0 to 1, got -0.5",
      function() return modu.entities.new({ threshold = -0.5 }) end)
  end)

  it("keeps the registry unchanged after a failed add", function()
    local n = #reg
    pcall(reg.add, reg, "y", { kind = "city", names = { en = { "Y", 2 } } })
    assert.are.equal(n, #reg)
    assert.is_nil((reg:resolve("Y", { threshold = 1 })))
  end)
end)
