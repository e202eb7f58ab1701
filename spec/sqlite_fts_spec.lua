-- Full-text search: db:create_fts builds an FTS5 table with the trigram
-- tokenizer, db:search finds Chinese and ASCII substrings with a rank and a
-- highlighted snippet, and queries too short for trigrams fall back to a scan.
local modu = require "modu"
local support = require "spec.support"

local NA = modu.NA
local raises = support.raises

local function col(df, name) return df:col(name):to_table() end

local function docs()
  return modu.frame({
    { "id", { 1, 2, 3, 4 } },
    { "city", { "北京", "深圳", "杭州", "上海" } },
    { "title", {
      "北京争夺模都：大模型企业数量全国第一",
      "深圳的大模型产业与模都之争，模都二字频频出现",
      "Hangzhou AI models: the 100% open-source push",
      "上海人工智能产业规模",
    } },
  })
end

describe("db:create_fts", function()
  local db
  before_each(function() db = modu.open(":memory:") end)
  after_each(function() db:close() end)

  it("indexes the listed columns and stores the others unindexed", function()
    assert.are.equal(4, db:create_fts("docs", docs(), { columns = { "title" } }))
    assert.are.same({ "docs" }, db:tables())
    local sql = col(db:query("SELECT sql FROM sqlite_schema WHERE name = 'docs'"), "sql")[1]
    assert.matches("fts5(\"id\" UNINDEXED, \"city\" UNINDEXED, \"title\", tokenize = 'trigram')", sql, 1, true)
    -- city is stored, not indexed: searching a city name finds only titles that say it
    local hits = db:search("docs", "北京争")
    assert.are.same({ 1 }, col(hits, "id"))
  end)

  it("indexes every str column by default", function()
    db:create_fts("docs", docs())
    local sql = col(db:query("SELECT sql FROM sqlite_schema WHERE name = 'docs'"), "sql")[1]
    assert.matches("fts5(\"id\" UNINDEXED, \"city\", \"title\", tokenize", sql, 1, true)
  end)

  it("follows if_exists like db:write", function()
    db:create_fts("docs", docs())
    raises("create_fts: table 'docs': it already exists", db.create_fts, db, "docs", docs())
    db:create_fts("docs", docs(), { if_exists = "append" })
    assert.are.equal(8, #db:read("docs"))
    db:create_fts("docs", docs():head(1), { if_exists = "replace" })
    assert.are.equal(1, #db:read("docs"))
  end)

  it("checks its arguments", function()
    raises("create_fts: columns[1]: no column 'titel' (columns: id, city, title)", db.create_fts, db, "d", docs(),
      { columns = { "titel" } })
    raises("create_fts: columns[2]: no column number (columns: id, city, title)", db.create_fts, db, "d", docs(),
      { columns = { "title", 3 } })
    raises("create_fts: columns must be an array of column names, got string", db.create_fts, db, "d", docs(),
      { columns = "title" })
    raises("create_fts: columns must name at least one column to index", db.create_fts, db, "d", docs(),
      { columns = {} })
    raises("create_fts: the frame has no str column to index (name them with columns = {...})", db.create_fts, db,
      "d", modu.frame({ n = { 1 } }))
    raises("create_fts: unknown option 'cols' (options: columns, if_exists)", db.create_fts, db, "d", docs(),
      { cols = {} })
    assert.are.same({}, db:tables())
  end)
end)

describe("db:search", function()
  local db
  before_each(function()
    db = modu.open(":memory:")
    db:create_fts("docs", docs(), { columns = { "title" } })
  end)
  after_each(function() db:close() end)

  it("finds Chinese substrings of three characters or more, best rank first", function()
    local _, short_note = db:search("docs", "模都")
    assert.is_not_nil(short_note) -- two characters: see the fallback tests
    local hits, note = db:search("docs", "大模型")
    assert.is_nil(note)
    assert.are.same({ "id", "city", "title", "rank", "snippet" }, hits:names())
    assert.are.same({ "int", "str", "str", "float", "str" }, hits:types())
    local ids = col(hits, "id")
    table.sort(ids)
    assert.are.same({ 1, 2 }, ids)
    -- the document saying 模都之争 twice ranks above the one saying it once
    local twice = db:search("docs", "模都二")
    assert.are.same({ 2 }, col(twice, "id"))
    local rank = col(db:search("docs", "模都之"), "rank")
    assert.are.equal(1, #rank)
    assert.is_true(rank[1] < 0) -- bm25: lower is better
  end)

  it("orders by rank", function()
    -- equal lengths, so bm25 ranks by the number of matches alone
    local t = { "人工智能甲乙丙丁戊己庚", "人工智能人工智能人工智能", "人工智能人工智能甲乙丙" }
    db:create_fts("r", modu.frame({ t = t }))
    local hits = db:search("r", "人工智")
    local ranks = col(hits, "rank")
    assert.is_true(ranks[1] < ranks[2] and ranks[2] < ranks[3])
    assert.are.same({ t[2], t[3], t[1] }, col(hits, "t"))
    assert.are.same({ t[2] }, col(db:search("r", "人工智", { limit = 1 }), "t"))
  end)

  it("marks the match in the snippet", function()
    local hits = db:search("docs", "企业数量")
    assert.are.same({ "北京争夺模都：大模型[企业数量]全国第一" }, col(hits, "snippet"))
  end)

  it("matches ASCII case-insensitively and takes FTS5 syntax characters literally", function()
    assert.are.same({ 3 }, col(db:search("docs", "HANGZHOU"), "id"))
    assert.are.same({ 3 }, col(db:search("docs", "open-source"), "id"))
    assert.are.same({ 3 }, col(db:search("docs", "100% open"), "id"))
    assert.are.equal(0, #db:search("docs", "\"quoted\" AND NOT"))
  end)

  it("takes FTS5 query syntax with raw = true", function()
    local hits = db:search("docs", "企业数 OR 智能产", { raw = true })
    local ids = col(hits, "id")
    table.sort(ids)
    assert.are.same({ 1, 4 }, ids)
    raises("search: fts5: syntax error near", db.search, db, "docs", "(((", { raw = true })
  end)

  it("limits the rows", function()
    assert.are.equal(1, #db:search("docs", "大模型", { limit = 1 }))
    assert.are.equal(0, #db:search("docs", "大模型", { limit = 0 }))
  end)

  it("returns an empty frame when nothing matches", function()
    local none = db:search("docs", "不存在的词")
    assert.are.equal(0, #none)
    assert.are.same({ "id", "city", "title", "rank", "snippet" }, none:names())
  end)

  it("scans for a query of one or two characters, unranked, and says so", function()
    local hits, note = db:search("docs", "模都")
    assert.are.equal("a query of fewer than 3 characters cannot use the trigram index: "
      .. "rows were matched by a substring scan and are not ranked", note)
    assert.are.same({ 1, 2 }, col(hits, "id"))
    assert.are.same({ NA, NA }, col(hits, "rank"))
    -- ten characters either side of the first match at most
    assert.are.same({ "北京争夺[模都]：大模型企业数量全国…", "深圳的大模型产业与[模都]之争，模都二字频频出…" },
      col(hits, "snippet"))
    -- the unindexed city column is not searched: 上海 is only a city here
    assert.are.equal(0, #db:search("docs", "杭州"))
    assert.are.same({ 4 }, col(db:search("docs", "上海"), "id"))
  end)

  it("cuts a long snippet around the match in the scan", function()
    db:create_fts("long", modu.frame({ t = { ("前"):rep(30) .. "模都" .. ("后"):rep(30) } }))
    local s = col(db:search("long", "模都"), "snippet")[1]
    assert.are.equal("…" .. ("前"):rep(10) .. "[模都]" .. ("后"):rep(10) .. "…", s)
  end)

  it("treats LIKE wildcards in a short query as text", function()
    db:create_fts("w", modu.frame({ t = { "50% off", "5000 off", "a_b", "axb" } }))
    assert.are.same({ "50% off" }, col(db:search("w", "0%"), "t"))
    assert.are.same({ "a_b" }, col(db:search("w", "_"), "t"))
    assert.are.same({ "[a]_b", "[a]xb" }, col(db:search("w", "A"), "snippet"))
  end)

  it("gives the frame's types back, as db:query does for declared types", function()
    local df = modu.frame({
      { "title", { "模都之争：北京", "模都之争：深圳", "杭州" } },
      { "day", { modu.date("2024-01-02"), NA, modu.date("1999-12-31") } },
      { "n", { 1, 2, NA } }, { "ok", { true, false, NA } }, { "x", { 1.5, 2.0, NA } },
      { "note", { "2024-01-02", "2024-05-06", "x" } }, -- text that looks like dates stays text
    })
    local d2 = modu.open(":memory:")
    d2:create_fts("news", df, { columns = { "title" } })
    for _, q in ipairs({ "模都之", "模都" }) do -- the index and the scan
      local hits = d2:search("news", q)
      assert.are.same({ "str", "date", "int", "bool", "float", "str", "float", "str" }, hits:types())
      assert.are.same({ modu.date("2024-01-02"), NA }, col(hits, "day"))
      assert.are.same({ 1, 2 }, col(hits, "n"))
      assert.are.same({ true, false }, col(hits, "ok"))
      assert.are.same({ 1.5, 2.0 }, col(hits, "x"))
      assert.are.same({ "2024-01-02", "2024-05-06" }, col(hits, "note"))
    end
    -- db:read of the full-text table gives the frame back
    assert.is_true(d2:read("news"):equals(df))
    -- a plain table of the same name later keeps its own declared types
    d2:exec("CREATE TABLE plain (day TEXT)")
    d2:exec("INSERT INTO plain VALUES ('2024-01-02')")
    assert.are.same({ "str" }, d2:read("plain"):types())
    -- the record of types is modu's bookkeeping: not among the tables, and replaced with the table
    assert.are.same({ "news", "plain" }, d2:tables())
    d2:create_fts("news", modu.frame({ { "title", { "模都之争" } }, { "day", { "soon" } } }), { if_exists = "replace" })
    assert.are.same({ "str", "str", "float", "str" }, d2:search("news", "模都之"):types())
    -- db:write in its place drops the record
    d2:write("news", modu.frame({ { "x", { 1 } } }), { if_exists = "replace" })
    assert.are.equal(0, col(d2:query("SELECT count(*) AS n FROM modu_fts_types WHERE fts = 'news'"), "n")[1])
    -- a failed create_fts leaves no record behind
    assert.is_false(pcall(d2.transaction, d2, function()
      d2:create_fts("other", df)
      error("stop")
    end))
    assert.are.equal(0, col(d2:query("SELECT count(*) AS n FROM modu_fts_types WHERE fts = 'other'"), "n")[1])
    -- dropped by hand and made again as a plain table: the record no longer applies
    d2:create_fts("docs", modu.frame({ { "t", { "x news" } }, { "d", { modu.date("2020-01-01") } } }))
    d2:exec("DROP TABLE docs")
    d2:exec("CREATE TABLE docs (t, d)")
    d2:exec("INSERT INTO docs VALUES ('a', '2020-05-05')")
    assert.are.same({ "str", "str" }, d2:read("docs"):types())
    assert.are.same(d2:query("SELECT * FROM docs"):types(), d2:read("docs"):types())
    d2:close()
  end)

  it("reads the indexed columns of a table made by hand", function()
    db:exec([[CREATE VIRTUAL TABLE hand USING fts5("a b", [c""d] UNINDEXED, 'e', tokenize='trigram')]])
    db:exec([[INSERT INTO hand VALUES ('北京', '北京', 'x'), ('上海', '北京', '北京')]])
    local hits = db:search("hand", "北京")
    assert.are.same({ "北京", "上海" }, col(hits, "a b"))
    assert.are.same({ "[北京]", "[北京]" }, col(hits, "snippet"))
  end)

  it("finds a full-text table in the temp schema", function()
    db:exec("CREATE VIRTUAL TABLE temp.scratch USING fts5(t, tokenize = 'trigram'); "
      .. "INSERT INTO temp.scratch VALUES ('合肥的中国声谷')")
    assert.are.same({ "合肥的[中国声]谷" }, col(db:search("scratch", "中国声"), "snippet"))
    assert.are.same({ "[合肥]的中国声谷" }, col(db:search("scratch", "合肥"), "snippet"))
  end)

  it("raises on a table that is missing or not full-text, and on bad arguments", function()
    db:exec("CREATE TABLE plain (t TEXT)")
    raises("search: 'plain' is not a full-text table (make one with db:create_fts)", db.search, db, "plain", "abc")
    raises("search: no table 'nope' (tables: docs, plain)", db.search, db, "nope", "abc")
    db:exec("CREATE VIRTUAL TABLE bare USING fts5(a UNINDEXED)")
    raises("search: 'bare' has no indexed column to search", db.search, db, "bare", "abc")
    raises("search: query must not be empty", db.search, db, "docs", "")
    raises("search: query must be a string, got number", db.search, db, "docs", 5)
    raises("search: limit must be a non-negative integer, got -1", db.search, db, "docs", "abc", { limit = -1 })
    raises("search: unknown option 'top' (options: limit, raw)", db.search, db, "docs", "abc", { top = 1 })
  end)
end)
