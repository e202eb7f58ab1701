-- Printing: tostring(df) and tostring(col). Widths are checked with a display
-- width computed here, independently of the library (and of utf8proc), so
-- the test strings stay inside the ranges this small table knows.
local modu = require "modu"
local support = require "spec.support"

local NA = modu.NA
local D = modu.date
local raises = support.raises

-- East Asian Wide ranges that the test strings use: these count 2 columns
local WIDE = {
  { 0x1100, 0x115F }, { 0x2E80, 0xA4CF }, { 0xAC00, 0xD7A3 }, { 0xF900, 0xFAFF }, { 0xFE30, 0xFE4F },
  { 0xFF00, 0xFF60 }, { 0xFFE0, 0xFFE6 }, { 0x20000, 0x3FFFD },
}

local function display_width(s)
  local w = 0
  for _, cp in utf8.codes(s) do
    local combining = cp >= 0x300 and cp <= 0x36F -- takes no column of its own
    if not combining then
      local wide = false
      for _, r in ipairs(WIDE) do
        if cp >= r[1] and cp <= r[2] then
          wide = true
          break
        end
      end
      w = w + (wide and 2 or 1)
    end
  end
  return w
end

local function lines(s)
  local t = {}
  for line in (s .. "\n"):gmatch("(.-)\n") do t[#t + 1] = line end
  return t
end

local FOOTER = "^%[%d+ rows? × %d+ columns?%]$"
local MORE = "^… and %d+ more columns?: "

-- the lines of the table proper: all but the footer and the hidden-columns line
local function table_lines(s)
  local t = {}
  for _, line in ipairs(lines(s)) do
    if not line:match(FOOTER) and not line:match(MORE) then t[#t + 1] = line end
  end
  return t
end

-- every table line has the same display width; returns that width
local function assert_aligned(s)
  local t = table_lines(s)
  assert.is_true(#t >= 2, "a table has at least a header and a type line:\n" .. s)
  local w = display_width(t[1])
  for k, line in ipairs(t) do
    assert.are.equal(w, display_width(line), ("line %d is %d columns wide, line 1 is %d:\n%s"):format(
      k, display_width(line), w, s))
  end
  return w
end

-- rand(n) in 1..n from a small LCG seeded with seed (the same frames on every
-- platform and Lua build), and text(): pieces of pool, now and then up to
-- long of them, mostly up to short
local function random_text(seed, pool, long, short)
  local rng = seed
  local function rand(n)
    rng = (rng * 1103515245 + 12345) % 2147483648
    return rng % n + 1
  end
  local function text()
    local t = {}
    for k = 1, rand(3) == 1 and rand(long) or rand(short) do t[k] = pool[rand(#pool)] end
    return table.concat(t)
  end
  return rand, text
end

local function footer(s)
  for _, line in ipairs(lines(s)) do
    if line:match(FOOTER) then return line end
  end
end

-- Runs `script` in a child lua5.4 with COLUMNS set (nil: unset) and returns
-- what it printed. Lua cannot set its own environment, and the printer reads
-- COLUMNS on every call. The child gets the parent's module paths; under
-- `make asan` it also keeps the preloaded ASan runtime, which the sanitized
-- core.so on LUA_CPATH needs, so the child is checked by ASan too.
local function q(s) return "'" .. s:gsub("'", [['\'']]) .. "'" end
local function run_child(columns, script)
  local env = "env " .. (columns and ("COLUMNS=" .. q(columns)) or "-u COLUMNS")
  for _, var in ipairs({ "LUA_PATH", "LUA_CPATH" }) do
    local v = os.getenv(var)
    if v then env = env .. " " .. var .. "=" .. q(v) end
  end
  local lua = os.getenv("LUA") or "lua5.4"
  local p = assert(io.popen("exec " .. env .. " " .. lua .. " -e " .. q(script) .. " 2>&1"))
  local out = p:read("a")
  local ok = p:close()
  assert.is_true(ok == true, "child failed:\n" .. out)
  return (out:gsub("\n$", ""))
end

local CITIES = modu.frame({
  { "city", { "北京", "深圳", "上海", "合肥", NA } },
  { "name_en", { "Beijing", "Shenzhen", "Shanghai", "Hefei", "?" } },
  { "firms", { 39800, 36100, 26500, NA, 12 } },
  { "share", { 0.25, 0.125, NA, 0 / 0, 1.5 } },
  { "capital", { true, false, false, NA, false } },
  { "since", { D "2016-01-01", NA, D "2017-12-29", D "2023-06-30", D "1999-12-31" } },
})

describe("tostring(df)", function()
  it("has a header of names and a line of types", function()
    local t = lines(tostring(CITIES))
    for _, name in ipairs({ "city", "name_en", "firms", "share", "capital", "since" }) do
      assert.matches(name, t[1], 1, true)
    end
    assert.matches("^%s+city%s+name_en%s+firms%s+share%s+capital%s+since%s*$", t[1])
    assert.matches("^%s+<str>%s+<str>%s+<int>%s+<float>%s+<bool>%s+<date>%s*$", t[2])
  end)

  it("shows every type's values and NA, <NA> in text", function()
    local s = tostring(CITIES)
    local t = lines(s)
    assert.matches("^1%s+北京%s+Beijing%s+39800%s+0.25%s+true%s+2016%-01%-01%s*$", t[3])
    assert.matches("^2%s+深圳%s+Shenzhen%s+36100%s+0.125%s+false%s+NA%s*$", t[4])
    assert.matches("^3%s+上海%s+Shanghai%s+26500%s+NA%s+false%s+2017%-12%-29%s*$", t[5])
    assert.matches("^4%s+合肥%s+Hefei%s+NA%s+NaN%s+NA%s+2023%-06%-30%s*$", t[6])
    assert.matches("^5%s+<NA>%s+%?%s+12%s+1.5%s+false%s+1999%-12%-31%s*$", t[7])
    assert.are.equal("[5 rows × 6 columns]", t[8])
    assert.are.equal(8, #t)
  end)

  it("tells the string \"NA\" from a missing one", function()
    local t = lines(tostring(modu.frame({ s = { "NA", NA } })))
    assert.matches("^1%s+NA%s*$", t[3])
    assert.matches("^2%s+<NA>%s*$", t[4])
  end)

  it("right-aligns numbers and left-aligns text, headers included", function()
    local df = modu.frame({ { "n", { 1, 1000, NA } }, { "x", { 2.5, -10.25, 0 / 0 } },
      { "s", { "a", "bbbb", NA } }, { "b", { true, false, NA } } })
    local s = tostring(df)
    local t = table_lines(s)
    -- all ASCII, so byte positions are columns; data lines start with a row number
    local function cells(k)
      local c = {}
      for first, last in t[k]:gmatch("()%S+()") do c[#c + 1] = { first, last - 1 } end
      if k > 2 then table.remove(c, 1) end
      assert.are.equal(4, #c, "four cells on line " .. k .. ":\n" .. s)
      return c
    end
    local top = cells(1)
    for k = 2, #t do
      local c = cells(k)
      assert.are.equal(top[1][2], c[1][2], "n is right-aligned on line " .. k .. ":\n" .. s)
      assert.are.equal(top[2][2], c[2][2], "x is right-aligned on line " .. k .. ":\n" .. s)
      assert.are.equal(top[3][1], c[3][1], "s is left-aligned on line " .. k .. ":\n" .. s)
      assert.are.equal(top[4][1], c[4][1], "b is left-aligned on line " .. k .. ":\n" .. s)
    end
    assert.is_true(top[1][2] - top[1][1] < #"1000", "the name n sits at the right of its column")
    assert_aligned(s)
  end)

  it("gives every table line the same display width with Chinese city names", function()
    assert_aligned(tostring(CITIES))
    local df = modu.frame({
      { "城市", { "北京", "深圳", "杭州", "广州", "合肥", "上海", "南京", "成都" } },
      { "company", { "科大讯飞", "iFLYTEK", "HKUST Xunfei", "百度", "Zürich AG", "São Paulo", "서울", "ＡＢＣ" } },
      { "n", { 1, 22, 333, 4444, 55555, 666666, NA, -7 } },
    })
    local w = assert_aligned(tostring(df))
    assert.is_true(w > 20)
    assert.matches("城市", tostring(df), 1, true)
  end)

  it("aligns mixed Chinese, Latin, accents and combining marks", function()
    local df = modu.frame({
      { "名字", { "Montre\u{301}al", "Montréal", "東京とうきょう", "e\u{301}\u{302}x", "mixed北京abc", "ｗｉｄｅ", "" } },
      { "k", { "a", "é", "北", "가", "ぁ", "Ａ", NA } },
    })
    assert_aligned(tostring(df))
  end)

  it("aligns random frames of mixed scripts, lengths and NA", function()
    -- characters from the ranges display_width knows, combining marks included
    local pool = { "a", "Z", "7", " ", "é", "ü", "ß", "\u{301}", "\u{308}", "北", "京", "深", "圳", "城", "と",
      "カ", "서", "울", "Ａ", "ｚ", "！", "，", "\u{FF5E}", "𠀀", "…", "-", "_" }
    local rand, text = random_text(12345, pool, 50, 8)
    for _ = 1, 150 do
      local nrow, cols = rand(30) - 1, {}
      for c = 1, rand(4) do
        local kind, v = rand(4), {}
        for r = 1, nrow do
          if rand(6) == 1 then v[r] = NA
          elseif kind == 1 then v[r] = text()
          elseif kind == 2 then v[r] = rand(2000000) - 1000000
          elseif kind == 3 then v[r] = (rand(2000000) - 1000000) / rand(1000)
          else v[r] = rand(2) == 1 end
        end
        cols[c] = { text() .. c, kind == 1 and modu.column(v, "str") or v }
      end
      local s = tostring(modu.frame(cols))
      assert_aligned(s)
      assert.are.equal(("[%d row%s × %d column%s]"):format(nrow, nrow == 1 and "" or "s", #cols,
        #cols == 1 and "" or "s"), footer(s))
    end
  end)

  it("aligns names wider than their values", function()
    local df = modu.frame({ { "一个很长的中文列名", { 1 } }, { "é", { "北京" } }, { "x", { true } } })
    assert_aligned(tostring(df))
  end)

  -- the emoji sequences and clusters a terminal draws in one or two columns,
  -- which a per-code-point count gets wrong
  local FAMILY = "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}\u{200D}\u{1F466}" -- 👨‍👩‍👧‍👦: 2
  local FLAG_CN, FLAG_ID = "\u{1F1E8}\u{1F1F3}", "\u{1F1EE}\u{1F1E9}"        -- regional pairs: 2 each
  local THUMB = "\u{1F44D}\u{1F3FD}"                                           -- skin tone: 2
  local HEART = "\u{2764}\u{FE0F}"                                             -- VS16: 2
  local HAN_JAMO = "\u{1112}\u{1161}\u{11AB}"                                  -- 한 as jamo: 2

  it("measures clusters as modu.text.width does: emoji sequences, flags, marks, jamo", function()
    local W = modu.text.width
    assert.are.equal(2, W(FAMILY))
    assert.are.equal(4, W(FLAG_CN .. FLAG_ID))
    assert.are.equal(2, W(THUMB))
    assert.are.equal(2, W(HEART))
    assert.are.equal(2, W(HAN_JAMO))
    assert.are.equal(1, W("e\u{301}\u{302}"))
    -- each alone in a column of width 2 ("<str>" is 5): the cell is padded to 5
    for _, cell in ipairs({ FAMILY, FLAG_CN, THUMB, HEART, HAN_JAMO }) do
      local t = table_lines(tostring(modu.frame({ { "s", { cell, "abcde" } } })))
      local body = t[3]:match("^1  (.*)$")
      assert.are.equal(cell .. "   ", body, "cell " .. cell .. " padded as if " .. W(cell) .. " wide")
    end
  end)

  it("gives every line the same modu.text.width with Chinese, Indonesian, English and emoji cells", function()
    local df = modu.frame({
      { "kota 城市", { "北京", "Jakarta Selatan", "深圳 Shenzhen", "Hefei " .. FLAG_CN, "合肥" .. THUMB,
        FAMILY .. " keluarga", "Xi\u{304}'a\u{304}n", HAN_JAMO .. "국", NA } },
      { "perusahaan", { "科大讯飞", "iFLYTEK", "HKUST Xunfei", "Keda Xunfei " .. HEART, "Cambricon (Cambrian)",
        "中国声谷 China Sound Valley", "Zu\u{308}rich", "ＡＢＣ１２３", FLAG_ID .. FLAG_CN } },
      { "nilai", { "382,1 miliar yuan", "3821亿元", "1.2万P", "39.800", "25,3%", "😀", "e\u{301}\u{302}",
        "👩\u{200D}💻 dev", "—" } },
      { "n", { 1, 22, 333, 4444, 55555, NA, -7, 8, 9 } },
    })
    local s = tostring(df)
    local t = table_lines(s)
    assert.are.equal(11, #t, s)
    local w = modu.text.width(t[1])
    for k, line in ipairs(t) do
      assert.are.equal(w, modu.text.width(line), ("line %d is %d columns wide, line 1 is %d:\n%s"):format(
        k, modu.text.width(line), w, s))
    end
    -- the widest cell of each column sets it: 2 + 27 for the Sound Valley name
    assert.is_true(w > 70, s)
    assert.matches(FAMILY .. " keluarga", s, 1, true)
  end)

  it("cuts emoji sequences and flags with … only between clusters", function()
    local W = modu.text.width
    local s = tostring(modu.frame({ { "s", { string.rep(FAMILY, 30), string.rep(FLAG_CN, 30),
      "x" .. string.rep(THUMB, 30), string.rep("a" .. HAN_JAMO, 20) } } }))
    local t = table_lines(s)
    local w = W(t[1])
    for k = 3, 6 do
      assert.are.equal(w, W(t[k]), s)
      local cell = t[k]:match("^%d  (.-)%s*$")
      assert.matches("…$", cell)
      assert.is_true(W(cell) <= 32 and W(cell) >= 31, cell)
    end
    local cells = {}
    for k = 3, 6 do cells[k - 2] = t[k]:match("^%d  (.-)…%s*$") end
    -- the kept part is whole clusters: nothing left once they are removed
    assert.are.equal("", (cells[1]:gsub(FAMILY, "")))
    assert.are.equal("", (cells[2]:gsub(FLAG_CN, "")))
    assert.are.equal("x", (cells[3]:gsub(THUMB, "")))
    assert.matches("^a?$", (cells[4]:gsub("a" .. HAN_JAMO, "")))
    assert.are.equal(15, select(2, cells[1]:gsub(FAMILY, "")))
  end)

  it("aligns random frames of emoji sequences, marks and scripts by modu.text.width", function()
    local pool = { "a", "Z", " ", "é", "\u{301}", "北", "京", "서", "Ａ", FAMILY, FLAG_CN, FLAG_ID, THUMB,
      HEART, HAN_JAMO, "😀", "\u{1F44D}", "\u{200D}", "\u{FE0F}", "miliar", "ribu" }
    local rand, text = random_text(4242, pool, 40, 6)
    for _ = 1, 60 do
      local cols = {}
      for c = 1, rand(3) do
        local v = {}
        for r = 1, 8 do v[r] = rand(7) == 1 and NA or text() end
        cols[c] = { text() .. c, modu.column(v, "str") }
      end
      local s = tostring(modu.frame(cols))
      local t = table_lines(s)
      local w = modu.text.width(t[1])
      for k, line in ipairs(t) do
        assert.are.equal(w, modu.text.width(line), ("line %d:\n%s"):format(k, s))
      end
    end
  end)

  it("shows all of 20 rows, and for more the first 10, ⋮ and the last 5 with their row numbers", function()
    local function frame_of(n)
      local id, city = {}, {}
      for k = 1, n do
        id[k] = k * 10
        city[k] = ({ "北京", "深圳", "Zürich", "上海" })[k % 4 + 1]
      end
      return modu.frame({ { "id", id }, { "city", city } })
    end
    local s20 = tostring(frame_of(20))
    assert.are.equal(22, #table_lines(s20))
    assert.is_nil(s20:find("⋮", 1, true))
    assert.are.equal("[20 rows × 2 columns]", footer(s20))

    local s = tostring(frame_of(25))
    local t = table_lines(s)
    assert.are.equal(2 + 10 + 1 + 5, #t)
    for k = 1, 10 do assert.matches("^%s*" .. k .. "%s+" .. k * 10 .. "%s", t[2 + k]) end
    assert.matches("^%s*⋮%s*$", t[13])
    for k = 21, 25 do assert.matches("^" .. k .. "%s+" .. k * 10 .. "%s", t[k - 21 + 14]) end
    assert.are.equal("[25 rows × 2 columns]", footer(s))
    assert_aligned(s)

    local s21 = tostring(frame_of(21))
    assert.matches("⋮", s21, 1, true)
    assert.matches("\n21%s+210", s21)
    assert.is_nil(s21:find("\n11%s"))
  end)

  it("right-aligns row numbers of different widths", function()
    local id = {}
    for k = 1, 120 do id[k] = k end
    local t = table_lines(tostring(modu.frame({ id = id })))
    assert.matches("^  1%s+1$", t[3])
    assert.matches("^ 10%s+10$", t[12])
    assert.matches("^  ⋮", t[13])
    assert.matches("^116%s+116$", t[14])
  end)

  it("counts rows and columns in the footer", function()
    assert.are.equal("[1 row × 1 column]", footer(tostring(modu.frame({ a = { 1 } }))))
    assert.are.equal("[2 rows × 3 columns]", footer(tostring(modu.frame({ a = { 1, 2 }, b = 1, c = "x" }))))
    assert.are.equal("[0 rows × 0 columns]", tostring(modu.frame({})))
    local e = tostring(modu.frame({ a = {}, s = modu.column({}, "str") }))
    assert.are.equal("[0 rows × 2 columns]", footer(e))
    assert.matches("<str>", e, 1, true)
    assert_aligned(e)
    assert.are.equal("[3 rows × 0 columns]", tostring(modu.frame({ a = { 1, 2, 3 } }):select()))
  end)

  it("cuts long cells with … at a grapheme boundary", function()
    local long = string.rep("e\u{301}", 40)
    local cjk = string.rep("北京", 30)
    local s = tostring(modu.frame({ { "s", { long, cjk, "short" } } }))
    assert_aligned(s)
    local t = table_lines(s)
    local cell1 = t[3]:match("^1%s+(.-)%s*$")
    local cell2 = t[4]:match("^2%s+(.-)%s*$")
    assert.matches("…$", cell1)
    assert.matches("…$", cell2)
    -- every e keeps its accent: the cut never falls between the two code points
    local body = cell1:gsub("…$", "")
    assert.are.equal(0, #body:gsub("e\u{301}", ""), "a combining mark was cut off: " .. cell1)
    assert.is_true(display_width(cell1) <= 32 and display_width(cell1) >= 30, cell1)
    assert.is_true(display_width(cell2) <= 32 and display_width(cell2) >= 30, cell2)
    assert.are.equal(0, #cell2:gsub("…$", ""):gsub("北京", ""):gsub("北", ""), cell2)
    assert.matches("^3%s+short%s*$", t[5])
  end)

  it("cuts long column names too", function()
    local name = string.rep("名", 40)
    local s = tostring(modu.frame({ [name] = { 1 } }))
    assert_aligned(s)
    assert.matches("名…", lines(s)[1], 1, true)
    assert.is_nil(s:find(name, 1, true))
  end)

  it("spells out control characters so a row stays one line", function()
    local s = tostring(modu.frame({ s = { "a\nb\tc\27[31m", "x" } }))
    local t = table_lines(s)
    assert.are.equal(4, #t)
    assert.matches("a\\nb\\tc\\x1b[31m", t[3], 1, true)
    assert_aligned(s)
  end)

  it("prints floats with 6 significant digits", function()
    local s = tostring(modu.frame({ x = { 1 / 3, 123456.7, 2.5, -0.000123456789, 1e20 } }))
    local t = table_lines(s)
    assert.matches("%s0.333333$", t[3])
    assert.matches("%s123457$", t[4])
    assert.matches("%s2.5$", t[5])
    assert.matches("%s%-0.000123457$", t[6])
    assert.matches("%s1e%+20$", t[7])
  end)

  it("prints more digits when needed to tell values apart", function()
    local t = table_lines(tostring(modu.frame({ x = { 1.0000001, 1.0000002, 0.3 } })))
    assert.matches("%s1.0000001$", t[3])
    assert.matches("%s1.0000002$", t[4])
    assert.matches("%s0.3$", t[5])
    local u = table_lines(tostring(modu.frame({ x = { 0.1 + 0.2, 0.3 } })))
    assert.are_not.equal(u[3]:match("%S+$"), u[4]:match("%S+$"))
    assert.are.equal(0.1 + 0.2, tonumber(u[3]:match("%S+$")))
    assert.are.equal(0.3, tonumber(u[4]:match("%S+$")))
  end)

  it("prints NaN, infinities and NA in float columns", function()
    local t = table_lines(tostring(modu.frame({ x = { 0 / 0, 1 / 0, -1 / 0, NA } })))
    assert.matches("%sNaN$", t[3])
    assert.matches("%sInf$", t[4])
    assert.matches("%s%-Inf$", t[5])
    assert.matches("%sNA$", t[6])
  end)

  it("prints integers exactly, however large", function()
    local t = table_lines(tostring(modu.frame({ n = { math.maxinteger, math.mininteger, 0 } })))
    assert.matches("%s9223372036854775807$", t[3])
    assert.matches("%s%-9223372036854775808$", t[4])
  end)

  it("is what print() writes", function()
    local out = {}
    local old = _G.print
    _G.print = function(...) for _, v in ipairs({ ... }) do out[#out + 1] = tostring(v) end end
    local ok, err = pcall(print, CITIES)
    _G.print = old
    assert(ok, err)
    assert.are.equal(tostring(CITIES), out[1])
  end)

  it("raises for a closed frame", function()
    local df = modu.frame({ a = { 1 } })
    df:close()
    raises("tostring: the frame is closed", tostring, df)
  end)
end)

describe("tostring(col)", function()
  it("is the one-column table without a name line", function()
    local s = tostring(modu.column({ 1, 22, NA }))
    local t = lines(s)
    assert.matches("^%s+<int>$", t[1])
    assert.matches("^1%s+1$", t[2])
    assert.matches("^2%s+22$", t[3])
    assert.matches("^3%s+NA$", t[4])
    assert.are.equal("[3 rows × 1 column]", t[5])
    assert.are.equal(5, #t)
    assert_aligned(s)
  end)

  it("prints every type, aligned", function()
    local cases = {
      { modu.column({ "北京", "Zürich", NA }), "<str>", "<NA>" },
      { modu.column({ 1.5, 0 / 0, NA }), "<float>", "NaN" },
      { modu.column({ true, NA }), "<bool>", "true" },
      { modu.column({ D "2020-02-29", NA }), "<date>", "2020-02-29" },
    }
    for _, c in ipairs(cases) do
      local s = tostring(c[1])
      assert.matches(c[2], s, 1, true)
      assert.matches(c[3], s, 1, true)
      assert_aligned(s)
    end
  end)

  it("elides the middle of a long column", function()
    local s = tostring(modu.range(1, 30))
    assert.matches("⋮", s, 1, true)
    assert.matches("\n30%s+30\n", s)
    assert.are.equal("[30 rows × 1 column]", footer(s))
  end)
end)

describe("COLUMNS", function()
  local script = [[
    local modu = require "modu"
    local cols = {}
    for k = 1, 12 do cols[k] = { ("column_%02d"):format(k), { k * 1000, -k } } end
    cols[13] = { "城市", { "北京", "深圳" } }
    print(modu.frame(cols))
  ]]

  it("narrows the table and names the hidden columns", function()
    local s = run_child("40", script)
    local w = assert_aligned(s)
    assert.is_true(w <= 40, "table is " .. w .. " wide:\n" .. s)
    local more = s:match("\n(… and [^\n]*)$")
    assert.is_not_nil(more, s)
    local shown = 0
    for k = 1, 12 do
      if lines(s)[1]:find(("column_%02d"):format(k), 1, true) then shown = shown + 1 end
    end
    assert.is_true(shown >= 1 and shown < 12)
    assert.matches("^… and " .. (13 - shown) .. " more columns: column_" .. ("%02d"):format(shown + 1), more)
    assert.is_true(display_width(more) <= 40, more)
    assert.are.equal("[2 rows × 13 columns]", footer(s))
  end)

  it("shows every column when wide enough", function()
    local s = run_child("300", script)
    assert.is_nil(s:find("more column", 1, true))
    assert.matches("城市", lines(s)[1], 1, true)
    assert_aligned(s)
  end)

  it("defaults to 100 columns when unset or unusable", function()
    for _, value in ipairs({ false, "abc", "5" }) do
      local s = run_child(value or nil, script)
      local w = assert_aligned(s)
      assert.is_true(w <= 100 and w > 80, "width " .. w .. " for COLUMNS=" .. tostring(value) .. ":\n" .. s)
      assert.matches("… and %d+ more columns?: ", s)
    end
  end)

  it("keeps the first column even when it alone is wider", function()
    local s = run_child("30", [[
      local modu = require "modu"
      print(modu.frame({ { "一个很长的中文列名一个很长的中文列名", { 1 } }, { "b", { 2 } } }))
    ]])
    assert.matches("一个很长", lines(s)[1], 1, true)
    assert.matches("… and 1 more column: b", s, 1, true)
    assert_aligned(s)
  end)
end)
