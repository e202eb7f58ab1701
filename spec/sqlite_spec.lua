-- SQLite (modu.Db): opening and closing, queries into typed frames with bound
-- parameters, exec/read/tables/schema, db:write with every type and if_exists
-- mode, transactions with rollback, and the error message of each bad input.
local modu = require "modu"
local support = require "spec.support"

local NA = modu.NA
local D = modu.date
local raises = support.raises

local function col(df, name) return df:col(name):to_table() end

local function tmpdb()
  local path = os.tmpname()
  os.remove(path)
  return path
end

local function cleanup(path)
  os.remove(path)
  os.remove(path .. "-journal")
end

-- every type with NA in each, and names that need quoting
local function sample()
  return modu.frame({
    { "id", { 1, 2, 3, 4 } },
    { "城市 name", { "北京", "深圳", NA, "它\"说'" } },
    { "x", { 1.5, NA, -0.0, 1e300 } },
    { "ok", { true, false, NA, true } },
    { "day", { D "2024-01-05", NA, D "1969-12-31", D "2000-02-29" } },
    { "n", { math.maxinteger, math.mininteger, NA, 0 } },
  })
end

describe("modu.open", function()
  it("opens an in-memory database without a path, and an empty one as ':memory:'", function()
    local db = modu.open()
    assert.are.equal("modu.Db (:memory:)", tostring(db))
    assert.are.same({ 1 }, col(db:query("SELECT 1 AS one"), "one"))
    db:close()
    local empty = modu.open(":memory:")
    assert.are.same({}, empty:tables())
    empty:close()
  end)

  it("creates a file database and opens it again", function()
    local path = tmpdb()
    local db = modu.open(path)
    db:exec("CREATE TABLE t (a INTEGER); INSERT INTO t VALUES (7)")
    db:close()
    local again = modu.open(path, { create = false })
    assert.are.same({ 7 }, col(again:read("t"), "a"))
    assert.matches(path, tostring(again), 1, true)
    again:close()
    cleanup(path)
  end)

  it("opens read-only, where a write fails with SQLite's message", function()
    local path = tmpdb()
    local db = modu.open(path)
    db:exec("CREATE TABLE t (a)")
    db:close()
    local ro = modu.open(path, { readonly = true })
    raises("exec: attempt to write a readonly database", ro.exec, ro, "INSERT INTO t VALUES (1)")
    assert.are.equal(0, #ro:read("t"))
    ro:close()
    cleanup(path)
  end)

  it("refuses a missing file with create = false or readonly", function()
    local path = tmpdb()
    raises("open: cannot open '" .. path .. "': unable to open database file", modu.open, path, { create = false })
    raises("unable to open database file", modu.open, path, { readonly = true })
    assert.is_nil(io.open(path))
  end)

  it("refuses a file that is not a database when it opens", function()
    local path = tmpdb()
    local f = assert(io.open(path, "w"))
    f:write(("this is not a database\n"):rep(100))
    f:close()
    raises("open: cannot open '" .. path .. "': file is not a database", modu.open, path)
    os.remove(path)
  end)

  it("shares its methods as modu.Db, where Lua code can add more", function()
    assert.are.equal("function", type(modu.Db.query))
    local db = modu.open(":memory:")
    modu.Db.answer = function(d) return d:query("SELECT 42 AS a"):row(1).a end
    assert.are.equal(42, db:answer())
    modu.Db.answer = nil
    db:close()
  end)

  it("checks its arguments", function()
    raises("open: path must be a string, got number", modu.open, 5)
    raises("open: options must be a table, got string", modu.open, ":memory:", "ro")
    raises("open: unknown option 'read_only' (options: readonly, create)", modu.open, ":memory:", { read_only = true })
    raises("open: readonly must be true or false, got string", modu.open, ":memory:", { readonly = "yes" })
    raises("open: create = true needs write access (readonly = true)", modu.open, "x.db",
      { readonly = true, create = true })
  end)
end)

describe("a closed modu.Db", function()
  it("closes once, from close(), <close> or the collector", function()
    local db = modu.open(":memory:")
    db:close()
    db:close() -- idempotent
    assert.are.equal("modu.Db (closed)", tostring(db))
    local kept
    do
      local scoped <close> = modu.open(":memory:")
      kept = scoped
      assert.are.same({ 2 }, col(scoped:query("SELECT 2 AS v"), "v"))
    end
    assert.are.equal("modu.Db (closed)", tostring(kept))
    modu.open(":memory:") -- left to __gc
    collectgarbage("collect")
  end)

  it("raises a clear error on every method", function()
    local db = modu.open(":memory:")
    db:close()
    local df = modu.frame({ a = { 1 } })
    raises("query: the database is closed", db.query, db, "SELECT 1")
    raises("exec: the database is closed", db.exec, db, "SELECT 1")
    raises("read: the database is closed", db.read, db, "t")
    raises("tables: the database is closed", db.tables, db)
    raises("schema: the database is closed", db.schema, db, "t")
    raises("write: the database is closed", db.write, db, "t", df)
    raises("transaction: the database is closed", db.transaction, db, function() end)
    raises("create_fts: the database is closed", db.create_fts, db, "f", df)
    raises("search: the database is closed", db.search, db, "f", "abc")
  end)

  it("names a wrong self", function()
    local db = modu.open(":memory:")
    raises("query: self must be a modu.Db, got string (call it with ':')", db.query, "SELECT 1")
    raises("write: self must be a modu.Db, got modu.Frame", db.write, modu.frame({ a = { 1 } }), "t")
    db:close()
  end)

  it("rolls back a transaction when fn closes the database", function()
    local path = tmpdb()
    local db = modu.open(path)
    db:exec("CREATE TABLE t (a)")
    raises("transaction: the database was closed inside the transaction, which rolled it back", db.transaction, db,
      function(d)
        d:exec("INSERT INTO t VALUES (1)")
        d:close()
      end)
    local again = modu.open(path)
    assert.are.equal(0, #again:read("t"))
    again:close()
    cleanup(path)
  end)
end)

describe("db:query", function()
  local db
  before_each(function() db = modu.open(":memory:") end)
  after_each(function() db:close() end)

  it("types columns from their values: INTEGER int, REAL float, TEXT str, NULL NA", function()
    local df = db:query("SELECT 1 AS i, 2.5 AS f, '北京' AS s, NULL AS z")
    assert.are.same({ "int", "float", "str", "float" }, df:types())
    assert.are.equal("integer", math.type(col(df, "i")[1]))
    assert.are.same({ 2.5 }, col(df, "f"))
    assert.are.same({ "北京" }, col(df, "s"))
    assert.are.equal(NA, col(df, "z")[1])
  end)

  it("keeps integers integers, to the int64 extremes", function()
    local df = db:query("SELECT 9223372036854775807 AS hi, -9223372036854775808 AS lo, 9007199254740993 AS odd")
    assert.are.equal(math.maxinteger, col(df, "hi")[1])
    assert.are.equal(math.mininteger, col(df, "lo")[1])
    assert.are.equal(9007199254740993, col(df, "odd")[1])
    assert.are.equal("integer", math.type(col(df, "odd")[1]))
  end)

  it("promotes a column mixing INTEGER and REAL to float, NA kept", function()
    db:exec("CREATE TABLE t (v); INSERT INTO t VALUES (1), (NULL), (2.5), (3)")
    local df = db:query("SELECT v FROM t ORDER BY rowid")
    assert.are.same({ "float" }, df:types())
    local v = col(df, "v")
    assert.are.equal(1.0, v[1])
    assert.are.equal("float", math.type(v[1]))
    assert.are.equal(NA, v[2])
    assert.are.same({ 2.5, 3.0 }, { v[3], v[4] })
  end)

  it("raises on a column mixing text and numbers, naming it and both rows", function()
    db:exec("CREATE TABLE t (v); INSERT INTO t VALUES (1), ('a')")
    raises("query: column 'v' mixes text and numbers (row 1 is integer, row 2 is text); pass { mixed = \"str\" }",
      db.query, db, "SELECT v FROM t ORDER BY rowid")
    db:exec("CREATE TABLE u (v); INSERT INTO u VALUES ('a'), (NULL), (2.5)")
    raises("column 'v' mixes text and numbers (row 1 is text, row 3 is real)", db.query, db,
      "SELECT v FROM u ORDER BY rowid")
  end)

  it("reads such a column as text with mixed = 'str', numbers in their shortest form", function()
    db:exec("CREATE TABLE t (v); INSERT INTO t VALUES (1), (0.1), (NULL), ('北'), (-7)")
    local df = db:query("SELECT v FROM t ORDER BY rowid", nil, { mixed = "str" })
    assert.are.same({ "str" }, df:types())
    assert.are.same({ "1", "0.1", NA, "北", "-7" }, col(df, "v"))
  end)

  it("raises on a BLOB unless blob = 'skip' leaves the column out", function()
    db:exec("CREATE TABLE t (a, b); INSERT INTO t VALUES (1, x'00ff'), (2, NULL)")
    raises("query: column 'b' holds a BLOB (row 1); pass { blob = \"skip\" } to leave it out", db.query, db,
      "SELECT a, b FROM t")
    local df = db:query("SELECT a, b FROM t", nil, { blob = "skip" })
    assert.are.same({ "a" }, df:names())
    assert.are.same({ 1, 2 }, col(df, "a"))
  end)

  it("reads a column declared DATE holding ISO text as dates, else as text", function()
    db:exec([[CREATE TABLE t (d DATE, e DATE, f DATE);
      INSERT INTO t VALUES ('2024-01-05', '2024-01-05', 20240105), (NULL, 'soon', NULL)]])
    local df = db:query("SELECT d, e, f FROM t ORDER BY rowid")
    assert.are.same({ "date", "str", "int" }, df:types())
    assert.are.equal(D "2024-01-05", col(df, "d")[1])
    assert.are.equal(NA, col(df, "d")[2])
    assert.are.same({ "2024-01-05", "soon" }, col(df, "e"))
    -- an expression has no declared type: the text stays text
    assert.are.same({ "str" }, db:query("SELECT '2024-01-05' AS d"):types())
  end)

  it("reads a column declared BOOLEAN holding 0/1 as bool, other integers as int", function()
    db:exec("CREATE TABLE t (b BOOLEAN, c BOOLEAN); INSERT INTO t VALUES (1, 1), (0, 2), (NULL, 0)")
    local df = db:query("SELECT b, c FROM t ORDER BY rowid")
    assert.are.same({ "bool", "int" }, df:types())
    assert.are.same({ true, false, NA }, col(df, "b"))
  end)

  it("types an empty result from the declared types", function()
    db:exec("CREATE TABLE t (i INTEGER, f REAL, s VARCHAR(10), d DATE, b BOOLEAN, n NUMERIC, x)")
    local df = db:query("SELECT * FROM t")
    assert.are.equal(0, #df)
    assert.are.same({ "int", "float", "str", "date", "bool", "float", "float" }, df:types())
  end)

  it("types an all-NULL column from its declared type", function()
    db:exec("CREATE TABLE t (s TEXT, i INTEGER); INSERT INTO t VALUES (NULL, NULL), (NULL, NULL)")
    local df = db:query("SELECT s, i FROM t")
    assert.are.same({ "str", "int" }, df:types())
    assert.are.same({ NA, NA }, col(df, "s"))
    assert.are.equal(2, df:col("i"):count_na())
  end)

  it("makes repeated column names unique and names a nameless one", function()
    local df = db:query([[SELECT 1 AS a, 2 AS a, 3 AS a_2, 4 AS ""]])
    assert.are.same({ "a", "a_2", "a_2_2", "V4" }, df:names())
  end)

  it("returns an empty frame for a statement without result columns", function()
    db:exec("CREATE TABLE t (a)")
    local df = db:query("INSERT INTO t VALUES (?)", { 5 })
    assert.are.same({ 0, 0 }, { #df, df:ncol() })
    assert.are.same({ 5 }, col(db:read("t"), "a"))
  end)

  it("reads many rows, growing its buffers, with NA scattered", function()
    db:exec([[CREATE TABLE t (i INTEGER, s TEXT);
      WITH RECURSIVE c(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM c WHERE k < 5000)
      INSERT INTO t SELECT CASE WHEN k % 7 = 0 THEN NULL ELSE k END, 'v' || (k % 13) FROM c]])
    local df = db:query("SELECT i, s FROM t ORDER BY rowid")
    assert.are.equal(5000, #df)
    assert.are.equal(714, df:col("i"):count_na())
    local i, s = col(df, "i"), col(df, "s")
    assert.are.same({ 4999, NA, "v7", "v6" }, { i[4999], i[4998], s[4999], s[4998] })
  end)

  it("raises on text that is not UTF-8, naming the column, row and byte", function()
    db:exec("CREATE TABLE t (s TEXT); INSERT INTO t VALUES ('ok'), (CAST(x'41ff42' AS TEXT))")
    raises("query: column 's' row 2: the text is not valid UTF-8 (byte 2)", db.query, db,
      "SELECT s FROM t ORDER BY rowid")
  end)

  it("raises on bad SQL with SQLite's own message and the SQL text", function()
    raises("query: near \"SELEC\": syntax error (in: SELEC 1)", db.query, db, "SELEC 1")
    raises("query: no such table: nope (in: SELECT * FROM nope)", db.query, db, "SELECT * FROM nope")
    raises("query: no such function: nosuch", db.query, db, "SELECT nosuch(1)")
  end)

  it("shortens a long SQL text in messages", function()
    local sql = "SELECT * FROM nope WHERE " .. ("a = 1 AND "):rep(100) .. "1"
    local msg = raises("query: no such table: nope (in: SELECT * FROM nope WHERE a = 1", db.query, db, sql)
    assert.is_true(#msg < 400)
    assert.matches("…)", msg, 1, true)
  end)

  it("raises on a runtime error from SQLite while stepping", function()
    raises("query: integer overflow", db.query, db,
      "SELECT sum(v) FROM (SELECT 9223372036854775807 AS v UNION ALL SELECT 1)")
  end)

  it("runs one statement only", function()
    raises("query: runs one statement, but the text has more (use db:exec for several): SELECT 2", db.query, db,
      "SELECT 1; SELECT 2")
    assert.are.same({ 1 }, col(db:query("SELECT 1 AS a; -- done\n ; "), "a"))
    raises("query: no SQL statement in '-- nothing'", db.query, db, "-- nothing")
  end)

  it("checks its arguments", function()
    raises("query: SQL must be a string, got number", db.query, db, 1)
    raises("query: SQL must not contain NUL bytes (byte 9)", db.query, db, "SELECT 1\0; DROP TABLE t")
    raises("query: params must be a table (an array for ?, keys for :name), got string", db.query, db, "SELECT ?", "x")
    raises("query: unknown option 'mix' (options: mixed, blob)", db.query, db, "SELECT 1", nil, { mix = "str" })
    raises("query: mixed must be one of \"error\", \"str\", got text", db.query, db, "SELECT 1", nil,
      { mixed = "text" })
    raises("query: blob must be one of \"error\", \"skip\", got true", db.query, db, "SELECT 1", nil, { blob = true })
  end)
end)

describe("db:query parameters", function()
  local db
  before_each(function() db = modu.open(":memory:") end)
  after_each(function() db:close() end)

  it("binds positional parameters by number", function()
    local df = db:query("SELECT ? AS a, ? AS b, ?3 AS c", { 1, "二", 2.5 })
    assert.are.same({ 1, "二", 2.5 }, { col(df, "a")[1], col(df, "b")[1], col(df, "c")[1] })
    assert.are.equal("integer", math.type(col(df, "a")[1]))
  end)

  it("binds named parameters :name, @name and $name from keys", function()
    db:exec("CREATE TABLE t (city TEXT, year INTEGER); INSERT INTO t VALUES ('北京', 2016), ('深圳', 2016), ('北京', 2017)")
    local df = db:query("SELECT year FROM t WHERE city = :city AND year >= @from AND year <= $to ORDER BY year",
      { city = "北京", from = 2016, to = 2020 })
    assert.are.same({ 2016, 2017 }, col(df, "year"))
  end)

  it("takes a named parameter's key with its prefix too", function()
    assert.are.same({ 3 }, col(db:query("SELECT :a + @b AS s", { [":a"] = 1, b = 2 }), "s"))
  end)

  it("fills named parameters by position from an array", function()
    assert.are.same({ 3 }, col(db:query("SELECT :a + :b AS s", { 1, 2 }), "s"))
  end)

  it("binds NA as NULL, a date as ISO text and a boolean as 0/1", function()
    local df = db:query("SELECT ?1 IS NULL AS na, ?2 AS d, typeof(?2) AS t, ?3 AS yes, ?4 AS no",
      { NA, D "2024-02-29", true, false })
    assert.are.same({ 1 }, col(df, "na"))
    assert.are.same({ "2024-02-29" }, col(df, "d"))
    assert.are.same({ "text" }, col(df, "t"))
    assert.are.same({ 1, 0 }, { col(df, "yes")[1], col(df, "no")[1] })
  end)

  it("takes values as values: a quote in a parameter is no SQL", function()
    db:exec("CREATE TABLE t (s TEXT)")
    db:query("INSERT INTO t VALUES (?)", { "x'); DROP TABLE t; --" })
    assert.are.same({ "x'); DROP TABLE t; --" }, col(db:read("t"), "s"))
  end)

  it("raises when the number of values does not match, naming both counts", function()
    raises("query: the statement has 2 parameters, got 1 value", db.query, db, "SELECT ?, ?", { 1 })
    raises("query: the statement has 1 parameter, got 3 values", db.query, db, "SELECT ?", { 1, 2, 3 })
    raises("query: the statement has 2 parameters, got no values", db.query, db, "SELECT ?, ?")
    raises("query: the statement has 0 parameters, got 1 value", db.query, db, "SELECT 1", { 1 })
    raises("query: the statement has 1 positional parameter, got 0 values", db.query, db, "SELECT ?, :a", { a = 1 })
  end)

  it("raises on a missing or unused named value", function()
    raises("query: no value for parameter ':b' (nil; use modu.NA for NULL)", db.query, db, "SELECT :a, :b", { a = 1 })
    raises("query: params has 'ctiy', which the statement does not name", db.query, db, "SELECT :city",
      { city = 1, ctiy = 2 })
  end)

  it("raises on a hole, a bad key or a value that cannot be bound", function()
    raises("query: no value for parameter 2 (nil; use modu.NA for NULL)", db.query, db, "SELECT ?, ?, ?",
      { 1, nil, 3, n = 3 })
    raises("query: params has key 2.5, which is neither a position 1..1 nor a name", db.query, db, "SELECT ?",
      { 1, [2.5] = 1 })
    raises("query: parameter ?1 must be a number, string, boolean, date or modu.NA, got table", db.query, db,
      "SELECT ?", { {} })
    raises("query: parameter :x (1) must be a number, string, boolean, date or modu.NA, got function", db.query, db,
      "SELECT :x", { x = print })
  end)
end)

describe("db:exec, db:read, db:tables, db:schema", function()
  local db
  before_each(function() db = modu.open(":memory:") end)
  after_each(function() db:close() end)

  it("exec runs several statements and returns the rows they changed", function()
    assert.are.equal(3, db:exec("CREATE TABLE t (a); INSERT INTO t VALUES (1), (2); INSERT INTO t VALUES (3)"))
    assert.are.equal(0, db:exec("SELECT 1"))
    assert.are.same({ 1, 2, 3 }, col(db:read("t"), "a"))
  end)

  it("exec raises with SQLite's message, after running the statements before", function()
    raises("exec: no such table: nope (in: CREATE TABLE t (a); INSERT INTO nope VALUES (1))", db.exec, db,
      "CREATE TABLE t (a); INSERT INTO nope VALUES (1)")
    assert.are.same({ "t" }, db:tables())
    raises("exec: SQL must be a string, got no value", db.exec, db)
  end)

  it("read returns a whole table, options passed on", function()
    db:exec("CREATE TABLE \"a \"\"b\"\" 表\" (v); INSERT INTO \"a \"\"b\"\" 表\" VALUES (1), ('x')")
    raises("read: column 'v' mixes text and numbers", db.read, db, "a \"b\" 表")
    assert.are.same({ "1", "x" }, col(db:read("a \"b\" 表", { mixed = "str" }), "v"))
  end)

  it("read names the tables there are when one is missing", function()
    db:exec("CREATE TABLE b (x); CREATE TABLE a (x)")
    raises("read: no table 'c' (tables: a, b)", db.read, db, "c")
    local empty = modu.open(":memory:")
    raises("read: no table 'c' (the database has no tables)", empty.read, empty, "c")
    empty:close()
    raises("read: the table name must be a string, got no value", db.read, db)
    raises("read: the table name must not be empty", db.read, db, "")
  end)

  it("tables lists tables, views and full-text tables in byte order, without internal ones", function()
    db:exec("CREATE TABLE 表 (a); CREATE TABLE Z (a); CREATE VIEW v AS SELECT 1; CREATE TEMP TABLE tmp (a)")
    db:create_fts("docs", modu.frame({ t = { "abc" } }))
    assert.are.same({ "Z", "docs", "tmp", "v", "表" }, db:tables())
  end)

  it("schema gives name, type, notnull, default and pk", function()
    db:exec("CREATE TABLE t (id INTEGER PRIMARY KEY, 城市 TEXT NOT NULL DEFAULT '北京', v)")
    local s = db:schema("t")
    assert.are.same({ "name", "type", "notnull", "default", "pk" }, s:names())
    assert.are.same({ "str", "str", "bool", "str", "int" }, s:types())
    assert.are.same({ "id", "城市", "v" }, col(s, "name"))
    assert.are.same({ "INTEGER", "TEXT", "" }, col(s, "type"))
    assert.are.same({ false, true, false }, col(s, "notnull"))
    assert.are.same({ NA, "'北京'", NA }, col(s, "default"))
    assert.are.same({ 1, 0, 0 }, col(s, "pk"))
    raises("schema: no table 'nope' (tables: t)", db.schema, db, "nope")
  end)
end)

describe("db:write", function()
  local db
  before_each(function() db = modu.open(":memory:") end)
  after_each(function() db:close() end)

  it("round-trips every type, NA and quoted Chinese names", function()
    local df = sample()
    assert.are.equal(4, db:write("模都 \"表\"", df))
    local back = db:read("模都 \"表\"")
    assert.are.same(df:names(), back:names())
    assert.are.same({ "int", "str", "float", "bool", "date", "int" }, back:types())
    assert.is_true(df:equals(back))
    assert.are.equal(math.mininteger, col(back, "n")[2])
  end)

  it("declares typed columns", function()
    db:write("t", sample())
    assert.are.same({ "INTEGER", "TEXT", "REAL", "BOOLEAN", "DATE", "INTEGER" }, col(db:schema("t"), "type"))
    local stored = db:query("SELECT typeof(ok) AS b, typeof(day) AS d, typeof(x) AS x FROM t WHERE id = 1")
    assert.are.same({ "integer", "text", "real" }, { col(stored, "b")[1], col(stored, "d")[1], col(stored, "x")[1] })
  end)

  it("stores a NaN as NULL (SQLite has no NaN) and infinities as themselves", function()
    db:write("t", modu.frame({ x = { 0 / 0, math.huge, -math.huge } }))
    local x = col(db:read("t"), "x")
    assert.are.same({ NA, math.huge, -math.huge }, x)
  end)

  it("writes a frame with no rows as an empty typed table", function()
    db:write("t", sample():head(0))
    assert.are.equal(0, #db:read("t"))
    assert.are.same({ "int", "str", "float", "bool", "date", "int" }, db:read("t"):types())
  end)

  it("fails on an existing table by default, leaving it as it was", function()
    db:write("t", modu.frame({ a = { 1 } }))
    raises("write: table 't': it already exists (if_exists = \"replace\" or \"append\" to overwrite it or add rows)",
      db.write, db, "t", modu.frame({ a = { 2 } }))
    raises("write: table 'T': it already exists", db.write, db, "T", modu.frame({ a = { 2 } }))
    assert.are.same({ 1 }, col(db:read("t"), "a"))
  end)

  it("replaces a table, with the new frame's columns", function()
    db:write("t", modu.frame({ a = { 1, 2 } }))
    db:write("t", modu.frame({ b = { "x" } }), { if_exists = "replace" })
    assert.are.same({ "b" }, db:read("t"):names())
    assert.are.same({ "x" }, col(db:read("t"), "b"))
  end)

  it("appends rows, and creates the table when it is absent", function()
    db:write("t", modu.frame({ a = { 1 } }), { if_exists = "append" })
    db:write("t", modu.frame({ a = { 2, 3 } }), { if_exists = "append" })
    assert.are.same({ 1, 2, 3 }, col(db:read("t"), "a"))
    raises("write: table 't': table t has no column named b", db.write, db, "t", modu.frame({ b = { 1 } }),
      { if_exists = "append" })
  end)

  it("rolls back every row when one fails, so the table is unchanged", function()
    db:exec("CREATE TABLE t (a INTEGER NOT NULL)")
    db:write("t", modu.frame({ a = { 1 } }), { if_exists = "append" })
    raises("write: table 't': row 3: NOT NULL constraint failed: t.a", db.write, db, "t",
      modu.frame({ a = { 10, 11, NA, 12 } }), { if_exists = "append" })
    assert.are.same({ 1 }, col(db:read("t"), "a"))
  end)

  it("rolls back a replace that fails after the drop, so the old table survives", function()
    db:write("t", modu.frame({ a = { 1 } }))
    -- SQLite's names ignore ASCII case: the CREATE fails after the DROP
    raises("write: table 't': duplicate column name: A", db.write, db, "t",
      modu.frame({ { "a", { 1 } }, { "A", { 2 } } }), { if_exists = "replace" })
    assert.are.same({ 1 }, col(db:read("t"), "a"))
    assert.are.same({ "t" }, db:tables())
  end)

  it("joins an open transaction, and goes with its rollback", function()
    raises("later", db.transaction, db, function(d)
      d:write("t", modu.frame({ a = { 1 } }))
      assert.are.same({ "t" }, d:tables())
      error("later")
    end)
    assert.are.same({}, db:tables())
  end)

  it("checks its arguments", function()
    local df = modu.frame({ a = { 1 } })
    raises("write: the table name must be a string, got nil", db.write, db, nil, df)
    raises("write: the table name must not contain NUL bytes", db.write, db, "a\0b", df)
    raises("write: the table name is not valid UTF-8 (byte 2)", db.write, db, "a\255", df)
    raises("write: argument 2 must be a modu.Frame, got table", db.write, db, "t", {})
    raises("write: unknown option 'mode' (options: if_exists)", db.write, db, "t", df, { mode = "x" })
    raises("write: if_exists must be one of \"fail\", \"replace\", \"append\", got overwrite", db.write, db, "t", df,
      { if_exists = "overwrite" })
    raises("write: table 't': the frame has no columns (a table needs at least one)", db.write, db, "t",
      modu.frame({}))
    assert.are.same({}, db:tables())
  end)

  it("raises on a closed frame", function()
    local df = modu.frame({ a = { 1, 2 } })
    db:write("t", df)
    df:close()
    raises("write: the frame is closed", db.write, db, "u", df)
  end)
end)

describe("db:transaction", function()
  local db
  before_each(function()
    db = modu.open(":memory:")
    db:exec("CREATE TABLE t (a)")
  end)
  after_each(function() db:close() end)

  local function count() return col(db:query("SELECT count(*) AS n FROM t"), "n")[1] end

  it("commits and returns what fn returns", function()
    local a, b = db:transaction(function(d)
      d:exec("INSERT INTO t VALUES (1)")
      return "done", 2
    end)
    assert.are.same({ "done", 2 }, { a, b })
    assert.are.equal(1, count())
  end)

  it("rolls back and re-raises the very error value", function()
    local obj = { reason = "stop" }
    local ok, err = pcall(db.transaction, db, function(d)
      d:exec("INSERT INTO t VALUES (1)")
      error(obj)
    end)
    assert.is_false(ok)
    assert.are.equal(obj, err)
    assert.are.equal(0, count())
    raises("insert failed", db.transaction, db, function() error("insert failed") end)
  end)

  it("nests as savepoints: an inner failure undoes only the inner part", function()
    db:transaction(function(d)
      d:exec("INSERT INTO t VALUES (1)")
      local ok = pcall(d.transaction, d, function(d2)
        d2:exec("INSERT INTO t VALUES (2)")
        error("inner")
      end)
      assert.is_false(ok)
      d:transaction(function(d2) d2:exec("INSERT INTO t VALUES (3)") end)
    end)
    assert.are.same({ 1, 3 }, col(db:query("SELECT a FROM t ORDER BY a"), "a"))
  end)

  it("an outer failure undoes a committed inner part too", function()
    pcall(db.transaction, db, function(d)
      d:transaction(function(d2) d2:exec("INSERT INTO t VALUES (2)") end)
      error("outer")
    end)
    assert.are.equal(0, count())
  end)

  it("tolerates fn ending the transaction itself before failing", function()
    raises("after commit", db.transaction, db, function(d)
      d:exec("INSERT INTO t VALUES (1); COMMIT")
      error("after commit")
    end)
    assert.are.equal(1, count())
  end)

  it("raises when the commit itself fails", function()
    raises("transaction: commit failed, the transaction was rolled back: cannot commit - no transaction is active",
      db.transaction, db, function(d) d:exec("COMMIT") end)
  end)

  it("checks its argument", function()
    raises("transaction: expected a function, got no value", db.transaction, db)
  end)
end)

describe("SQL statistics functions", function()
  local db
  before_each(function()
    db = modu.open(":memory:")
    -- x: 2 4 4 4 5 5 7 9 (mean 5, sum of squares 32), y = 2x + 1 except the NULL pair
    db:exec([[CREATE TABLE t (g TEXT, x REAL, y REAL);
      INSERT INTO t VALUES ('a', 2, 5), ('a', 4, 9), ('a', 4, 9), ('a', 4, NULL), ('b', 5, 11), ('b', 5, 11),
        ('b', 7, 15), ('b', 9, 19), ('b', NULL, 3)]])
  end)
  after_each(function() db:close() end)

  local function one(sql) return db:query(sql):row(1) end

  it("median and quantile follow type 7 (R and numpy's default)", function()
    local r = one("SELECT median(x) AS m, quantile(x, 0.25) AS q1, quantile(x, 0) AS lo, quantile(x, 1) AS hi FROM t")
    assert.are.same({ 4.5, 4.0, 2.0, 9.0 }, { r.m, r.q1, r.lo, r.hi })
    -- h = 7 * 0.9 = 6.3: 7 + 0.3 * (9 - 7)
    assert.is_true(math.abs(one("SELECT quantile(x, 0.9) AS q FROM t").q - 7.6) < 1e-12)
  end)

  it("variance and stddev use n - 1, as the Lua API", function()
    local r = one("SELECT variance(x) AS v, stddev(x) AS s FROM t")
    assert.are.equal(32 / 7, r.v)
    assert.are.equal(math.sqrt(32 / 7), r.s)
  end)

  it("corr takes complete pairs only", function()
    -- y = 2x + 1 on the 7 complete pairs; the pair (4, NULL) and (NULL, 3) are left out
    assert.is_true(math.abs(one("SELECT corr(x, y) AS r FROM t").r - 1) < 1e-15)
    assert.is_true(math.abs(one("SELECT corr(x, -y) AS r FROM t").r + 1) < 1e-15)
    local both = one("SELECT corr(x, y) AS r FROM t WHERE x IS NOT NULL AND y IS NOT NULL").r
    assert.are.equal(both, one("SELECT corr(x, y) AS r FROM t").r)
  end)

  it("works per group", function()
    local df = db:query("SELECT g, median(x) AS m, variance(x) AS v FROM t GROUP BY g ORDER BY g")
    -- a: 2 4 4 4 (mean 3.5, squares 3); b: 5 5 7 9 (mean 6.5, squares 11)
    assert.are.same({ 4.0, 6.0 }, col(df, "m"))
    assert.are.same({ 1.0, 11 / 3 }, col(df, "v"))
  end)

  it("agrees with modu's group_by aggregates", function()
    db:exec([[WITH RECURSIVE c(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM c WHERE k < 999)
      INSERT INTO t SELECT 'c', (k * 7919 % 1000) / 7.0 + 1e6, k * 0.5 FROM c]])
    local sql = db:query("SELECT variance(x) AS v, median(x) AS m, corr(x, y) AS r FROM t WHERE g = 'c'"):row(1)
    local df = db:query("SELECT x, y FROM t WHERE g = 'c'")
    local lua = df:agg({ v = "var(x)", m = "median(x)", r = "cor(x, y)" }):row(1)
    assert.are.equal(lua.m, sql.m)
    assert.is_true(math.abs(lua.v - sql.v) <= 1e-12 * lua.v)
    assert.is_true(math.abs(lua.r - sql.r) <= 1e-12)
  end)

  it("give NULL with too few values or no spread", function()
    local r = one([[SELECT median(x) AS m, variance(x) AS v, stddev(x) AS s, corr(x, y) AS c
      FROM t WHERE x = 2]])
    assert.are.same({ 2.0, NA, NA, NA }, { r.m, r.v, r.s, r.c })
    local none = one("SELECT median(x) AS m, quantile(x, 0.5) AS q, variance(x) AS v FROM t WHERE x > 100")
    assert.are.same({ NA, NA, NA }, { none.m, none.q, none.v })
    assert.are.equal(NA, one("SELECT corr(x, 1) AS c FROM t").c)
  end)

  it("skip NULLs and take integers", function()
    assert.are.equal(5.0, one("SELECT median(v) AS m FROM (SELECT 1 AS v UNION ALL SELECT NULL UNION ALL SELECT 5 "
      .. "UNION ALL SELECT 9)").m)
  end)

  it("raise on text instead of reading it as a number", function()
    raises("query: median: x must be a number, got a text value (CAST it, or filter those rows)", db.query, db,
      "SELECT median(g) FROM t")
    raises("corr: y must be a number, got a text value", db.query, db, "SELECT corr(x, g) FROM t")
    raises("quantile: p must be between 0 and 1", db.query, db, "SELECT quantile(x, 1.5) FROM t")
    raises("quantile: p must be the same on every row", db.query, db, "SELECT quantile(x, x / 10) FROM t")
    raises("quantile: p must be a number, got a NULL value", db.query, db, "SELECT quantile(x, NULL) FROM t")
    raises("wrong number of arguments to function median()", db.query, db, "SELECT median(x, 1) FROM t")
  end)

  it("are there on every connection modu opens", function()
    local path = tmpdb()
    local f = modu.open(path)
    assert.are.equal(2.0, col(f:query("SELECT median(v) AS m FROM (SELECT 1 AS v UNION ALL SELECT 3)"), "m")[1])
    f:close()
    cleanup(path)
  end)
end)
