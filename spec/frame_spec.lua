-- Frames: construction (modu.frame, modu.from_rows), access, every verb with
-- every column type and NA present, bind_rows, immutability, closed frames,
-- foreign self values, and the error messages of bad inputs.
local modu = require "modu"
local support = require "spec.support"

local NA = modu.NA
local D = modu.date
local raises = support.raises
local col_is = support.col_is
local NAN = support.NAN

local function ids(df) return df:col("id"):to_table() end

-- five rows, one column of every type, NA in each (and a NaN in f)
local ALL_TYPES = { "int", "int", "float", "str", "bool", "date" }
local function sample()
  return modu.frame({
    { "id", { 1, 2, 3, 4, 5 } },
    { "i", { 3, 1, NA, 2, 1 } },
    { "f", { 1.5, NA, 0 / 0, -2.25, 1.5 } },
    { "s", { "北京", "Z", NA, "é", "Z" } },
    { "b", { true, false, NA, true, false } },
    { "d", { D "2020-01-02", NA, D "2019-12-31", D "2021-06-30", NA } },
  })
end

-- eight rows, for head/tail/slice
local function eight()
  return modu.frame({
    { "id", { 1, 2, 3, 4, 5, 6, 7, 8 } },
    { "s", { "a", NA, "c", "北", "e", "f", NA, "h" } },
    { "d", { D "2001-01-01", D "2001-01-02", NA, D "2001-01-04", D "2001-01-05", D "2001-01-06",
      D "2001-01-07", D "2001-01-08" } },
  })
end

describe("modu.frame", function()
  it("keeps the order of an array of {name, values} pairs", function()
    local df = modu.frame({ { "z", { 1 } }, { "a", { 2 } }, { "m", { 3 } } })
    assert.are.same({ "z", "a", "m" }, df:names())
  end)

  it("sorts the columns of a keyed table by name, in byte order", function()
    local df = modu.frame({ b = { 1 }, a = { 2 }, B = { 3 }, ["é"] = { 4 }, ["北"] = { 5 } })
    assert.are.same({ "B", "a", "b", "é", "北" }, df:names())
    col_is(df, "a", { 2 })
    col_is(df, "北", { 5 })
  end)

  it("sorts by bytes whatever the locale's collation", function()
    local old = os.setlocale(nil, "collate")
    -- where one of these exists, strcoll would put "a" before "B"
    for _, loc in ipairs({ "en_US.UTF-8", "en_US.utf8", "de_DE.UTF-8", "C.UTF-8", "C" }) do
      if os.setlocale(loc, "collate") then break end
    end
    local ok, a, b = pcall(function()
      return modu.frame({ a = 1, B = 2, ["é"] = 3, _ = 4 }):names(),
        modu.from_rows({ { a = 1, B = 2 }, { ["é"] = 3, _ = 4 } }):names()
    end)
    os.setlocale(old, "collate")
    assert(ok, a)
    assert.are.same({ "B", "_", "a", "é" }, a)
    assert.are.same({ "B", "_", "a", "é" }, b)
  end)

  it("orders a keyed table by the names argument", function()
    local df = modu.frame({ a = { 1, 2 }, b = { "x", "y" }, c = { true, false } }, { "c", "a", "b" })
    assert.are.same({ "c", "a", "b" }, df:names())
    assert.are.same({ "bool", "int", "str" }, df:types())
    col_is(df, "b", { "x", "y" })
  end)

  it("requires names to list exactly the keys", function()
    raises("frame: column 'b' is not in names (list every column, or leave names out)",
      modu.frame, { a = { 1 }, b = { 2 } }, { "a" })
    raises("frame: names lists 'c' but the table has no such column", modu.frame, { a = { 1 } }, { "a", "c" })
    raises("frame: duplicate column name 'a'", modu.frame, { a = { 1 } }, { "a", "a" })
    raises("frame: column names must be strings, got number", modu.frame, { a = { 1 } }, { 1 })
  end)

  it("rejects names with an array of pairs, and a table mixing the two forms", function()
    raises("frame: names is for a table keyed by name", modu.frame, { { "x", { 1 } } }, { "x" })
    raises("frame: key 'y' mixes the two forms", modu.frame, { { "x", { 1 } }, y = { 2 } })
  end)

  it("infers every column type and keeps NA", function()
    local df = sample()
    assert.are.same(ALL_TYPES, df:types())
    assert.are.equal(5, #df)
    assert.are.equal(6, df:ncol())
    col_is(df, "i", { 3, 1, NA, 2, 1 })
    col_is(df, "f", { 1.5, NA, NAN, -2.25, 1.5 })
    col_is(df, "s", { "北京", "Z", NA, "é", "Z" })
    col_is(df, "b", { true, false, NA, true, false })
    col_is(df, "d", { D "2020-01-02", NA, D "2019-12-31", D "2021-06-30", NA })
    local na = { id = 0, i = 1, f = 1, s = 1, b = 1, d = 2 }
    for _, name in ipairs(df:names()) do assert.are.equal(na[name], df:col(name):count_na(), name) end
  end)

  it("makes a column of mixed integers and floats float", function()
    local df = modu.frame({ x = { 1, 2.5, NA } })
    assert.are.same({ "float" }, df:types())
    assert.are.equal("float", math.type(df:row(1).x))
  end)

  it("uses Column objects as they are, of every type", function()
    local src = sample()
    local cols = {}
    for _, name in ipairs(src:names()) do cols[#cols + 1] = { name, src:col(name) } end
    local df = modu.frame(cols)
    assert.is_true(df:equals(src))
    local x = modu.column({ 10, NA, 30 })
    local g = modu.frame({ x = x })
    assert.are.same(x:to_table(), g:col("x"):to_table())
  end)

  it("keeps a shared column alive after the Column object is closed", function()
    local x = modu.column({ "a", "b", NA })
    local df = modu.frame({ { "x", x }, { "y", x } })
    x:close()
    raises("the column is closed", x.type, x)
    col_is(df, "x", { "a", "b", NA })
    col_is(df, "y", { "a", "b", NA })
  end)

  it("rejects a closed Column", function()
    local x = modu.column({ 1 })
    x:close()
    raises("frame: the column is closed", modu.frame, { x = x })
  end)

  it("recycles single values to the row count", function()
    local df = modu.frame({ { "a", { 1, 2, 3 } }, { "k", 7 }, { "s", "北京" }, { "t", true },
      { "d", D "2024-02-29" }, { "n", NA }, { "x", 0.5 } })
    assert.are.same({ "int", "int", "str", "bool", "date", "bool", "float" }, df:types())
    col_is(df, "k", { 7, 7, 7 })
    col_is(df, "s", { "北京", "北京", "北京" })
    col_is(df, "t", { true, true, true })
    col_is(df, "d", { D "2024-02-29", D "2024-02-29", D "2024-02-29" })
    col_is(df, "n", { NA, NA, NA })
    col_is(df, "x", { 0.5, 0.5, 0.5 })
  end)

  it("makes one row of single values only", function()
    local df = modu.frame({ a = 1, b = "x" })
    assert.are.equal(1, #df)
    assert.are.same({ a = 1, b = "x" }, df:row(1))
  end)

  it("names the column whose length differs", function()
    raises("frame: column 'b' has 2 values but the frame has 3 rows", modu.frame, { a = { 1, 2, 3 }, b = { 1, 2 } })
    raises("frame: column 'y' has 1 values but the frame has 2 rows",
      modu.frame, { { "x", modu.column({ 1, 2 }) }, { "y", modu.column({ 1 }) } })
  end)

  it("rejects duplicate names", function()
    raises("frame: duplicate column name 'a'", modu.frame, { { "a", { 1 } }, { "b", { 2 } }, { "a", { 3 } } })
  end)

  it("builds empty frames", function()
    local df = modu.frame({})
    assert.are.equal(0, #df)
    assert.are.equal(0, df:ncol())
    assert.are.same({}, df:names())
    assert.are.same({}, df:to_rows())
    local z = modu.frame({ a = {}, b = modu.column({}, "str") })
    assert.are.equal(0, #z)
    assert.are.same({ "a", "b" }, z:names())
    assert.are.equal("str", z:types()[2])
  end)

  it("names the column with a type clash or invalid text", function()
    raises("frame: column 'a': value 2 is a string but value 1 is an integer", modu.frame, { a = { 1, "x" } })
    raises("frame: column 's': invalid UTF-8 in row 2", modu.frame, { s = { "ok", "bad\xff" } })
    raises("frame: column 'a': value 2 is nil", modu.frame, { { "a", { 1, nil, 3 } } })
  end)

  it("reports bad arguments", function()
    raises("frame: expected a table of columns, got number", modu.frame, 5)
    raises("frame: expected a table of columns, got no value", modu.frame)
    raises("frame: expected a table of columns, got nil", modu.frame, nil)
    raises("frame: names must be an array of strings, got string", modu.frame, { a = { 1 } }, "a")
    raises("frame: column 'a' must be a column, an array or a single value, got function", modu.frame, { a = print })
    raises("frame: column names must not be empty", modu.frame, { [""] = { 1 } })
    raises("frame: column names must not contain NUL bytes (byte 2)", modu.frame, { ["a\0b"] = { 1 } })
    raises("frame: column name is not valid UTF-8 text (byte 2)", modu.frame, { ["a\xffb"] = { 1 } })
    raises("frame: column names must be strings, got number", modu.frame, { [1] = modu.column({ 1 }) })
    raises("frame: entry 2 must be a {name, values} pair, got number", modu.frame, { { "a", { 1 } }, 5 })
    raises("frame: entry 1 has no values", modu.frame, { { "a" } })
    raises("frame: column 'f' must be a column, an array or a single value, got modu.Frame",
      modu.frame, { f = modu.frame({ a = { 1 } }) })
  end)
end)

describe("modu.from_rows", function()
  it("builds columns from row tables, sorted by name, missing keys NA", function()
    local df = modu.from_rows({
      { city = "北京", firms = 39800, share = 0.5 },
      { city = "深圳", ok = true },
      { firms = 26500, when = D "2023-01-01" },
    })
    assert.are.same({ "city", "firms", "ok", "share", "when" }, df:names())
    assert.are.same({ "str", "int", "bool", "float", "date" }, df:types())
    col_is(df, "city", { "北京", "深圳", NA })
    col_is(df, "firms", { 39800, NA, 26500 })
    col_is(df, "ok", { NA, true, NA })
    col_is(df, "share", { 0.5, NA, NA })
    col_is(df, "when", { NA, NA, D "2023-01-01" })
  end)

  it("reads arrays by position when names are given", function()
    local df = modu.from_rows({ { "a", 1 }, { "b", NA }, { "c" } }, { "letter", "n" })
    assert.are.same({ "letter", "n" }, df:names())
    col_is(df, "letter", { "a", "b", "c" })
    col_is(df, "n", { 1, NA, NA })
  end)

  it("keeps the order of names and reads keyed rows by them", function()
    local df = modu.from_rows({ { b = 1, a = "x" }, { b = 2, a = "y" } }, { "b", "a" })
    assert.are.same({ "b", "a" }, df:names())
    col_is(df, "a", { "x", "y" })
  end)

  it("gives an empty frame for no rows", function()
    local df = modu.from_rows({})
    assert.are.equal(0, #df)
    assert.are.equal(0, df:ncol())
  end)

  it("round-trips with to_rows", function()
    local df = modu.frame({ a = { 1, NA, 3 }, b = { "x", "北", NA }, c = { true, NA, false } })
    assert.is_true(modu.from_rows(df:to_rows()):equals(df))
  end)

  it("reports bad rows", function()
    raises("from_rows: expected an array of row tables, got number", modu.from_rows, 3)
    raises("from_rows: row 1 is a number, not a table", modu.from_rows, { 3 })
    raises("from_rows: row 2 is a string, not a table", modu.from_rows, { { a = 1 }, "x" })
    raises("from_rows: row 1 has a non-string key", modu.from_rows, { { 1, 2 } })
    raises("from_rows: names must be an array of strings, got string", modu.from_rows, { { a = 1 } }, "a")
    raises("from_rows: column 'a': value 2 is a string but value 1 is an integer",
      modu.from_rows, { { a = 1 }, { a = "x" } })
  end)
end)

describe("frame access", function()
  it("to_rows gives keyed tables with NA, dates and NaN", function()
    local rows = sample():to_rows()
    assert.are.equal(5, #rows)
    assert.are.same({ id = 1, i = 3, f = 1.5, s = "北京", b = true, d = D "2020-01-02" }, rows[1])
    assert.are.equal(NA, rows[2].f)
    assert.are.equal(NA, rows[2].d)
    assert.are.equal(NA, rows[3].i)
    assert.are.equal(NA, rows[3].s)
    assert.are.equal(NA, rows[3].b)
    assert.is_true(rows[3].f ~= rows[3].f)
    assert.are.equal("integer", math.type(rows[1].i))
  end)

  it("to_columns gives one array per name and round-trips", function()
    local df = sample()
    local cols = df:to_columns()
    assert.are.same({ 3, 1, NA, 2, 1 }, cols.i)
    assert.are.same({ "北京", "Z", NA, "é", "Z" }, cols.s)
    assert.are.same({ true, false, NA, true, false }, cols.b)
    assert.is_true(modu.frame(cols, df:names()):equals(df))
  end)

  it("row(i) gives one row and checks the index", function()
    local df = sample()
    assert.are.same({ id = 4, i = 2, f = -2.25, s = "é", b = true, d = D "2021-06-30" }, df:row(4))
    raises("row: row 0 is out of range (the frame has 5 rows)", df.row, df, 0)
    raises("row: row 6 is out of range (the frame has 5 rows)", df.row, df, 6)
    raises("row: row index must be an integer, got string", df.row, df, "x")
    raises("row: row index must be an integer, got number", df.row, df, 1.5)
    raises("row: row index must be an integer, got no value", df.row, df)
  end)

  it("col(name) and df.name give the column", function()
    local df = sample()
    assert.are.equal("date", df:col("d"):type())
    assert.are.same(df:col("s"):to_table(), df.s:to_table())
    raises("col: no column 'zz' (columns: id, i, f, s, b, d)", df.col, df, "zz")
    raises("col: a column name must be a string, got number (columns: id, i, f, s, b, d)", df.col, df, 1)
    raises("index: no column 'zz' (columns: id, i, f, s, b, d)", function() return df.zz end)
  end)

  it("lets a method name win over a column of that name", function()
    local df = modu.frame({ sort = { 2, 1 }, head = { "a", "b" } })
    assert.are.equal(modu.Frame.sort, df.sort)
    assert.are.equal(modu.Frame.head, df.head)
    assert.are.same({ 2, 1 }, df:col("sort"):to_table())
    col_is(df:sort("sort"), "head", { "b", "a" })
  end)

  it("gives nil for a key that is not a string", function()
    local df = sample()
    assert.is_nil(df[1])
    assert.is_nil(df[true])
  end)

  it("#df, ncol, names and types", function()
    local df = sample()
    assert.are.equal(5, #df)
    assert.are.equal(5, df:nrow())
    assert.are.equal(6, df:ncol())
    assert.are.same({ "id", "i", "f", "s", "b", "d" }, df:names())
    assert.are.same(ALL_TYPES, df:types())
  end)

  it("names() returns a fresh table each time", function()
    local df = sample()
    local n = df:names()
    n[1] = "changed"
    assert.are.equal("id", df:names()[1])
  end)
end)

describe("df:equals", function()
  it("is true for equal frames, NaN equal to NaN", function()
    assert.is_true(sample():equals(sample()))
    local df = sample()
    assert.is_true(df:equals(df))
  end)

  it("compares names, order, types, values and NA positions", function()
    local a = modu.frame({ { "x", { 1, 2 } }, { "y", { "a", "b" } } })
    assert.is_false(a:equals(modu.frame({ { "y", { "a", "b" } }, { "x", { 1, 2 } } })))
    assert.is_false(a:equals(modu.frame({ { "x", { 1, 2 } }, { "z", { "a", "b" } } })))
    assert.is_false(a:equals(modu.frame({ { "x", { 1.0, 2.0 } }, { "y", { "a", "b" } } })))
    assert.is_false(a:equals(modu.frame({ { "x", { 1, 3 } }, { "y", { "a", "b" } } })))
    assert.is_false(a:equals(modu.frame({ { "x", { 1, NA } }, { "y", { "a", "b" } } })))
    assert.is_false(a:equals(modu.frame({ { "x", { 1 } }, { "y", { "a" } } })))
    assert.is_false(a:equals(modu.frame({ { "x", { 1, 2 } } })))
    assert.is_true(a:equals(modu.frame({ { "x", { 1, 2 } }, { "y", { "a", "b" } } })))
  end)

  it("tells NA from NaN and from false", function()
    assert.is_false(modu.frame({ x = { 0 / 0 } }):equals(modu.frame({ x = modu.column({ NA }, "float") })))
    assert.is_false(modu.frame({ x = { false } }):equals(modu.frame({ x = { NA } })))
  end)

  it("rejects what is not a frame", function()
    local df = sample()
    raises("equals: argument 1 must be a modu.Frame, got number", df.equals, df, 3)
    raises("equals: argument 1 must be a modu.Frame, got modu.Column", df.equals, df, df.i)
  end)
end)

describe("select / drop / rename", function()
  it("select takes names as varargs or as one array, in the order given", function()
    local df = sample()
    local a, b = df:select("s", "id", "d"), df:select({ "s", "id", "d" })
    assert.are.same({ "s", "id", "d" }, a:names())
    assert.are.same({ "str", "int", "date" }, a:types())
    assert.is_true(a:equals(b))
    col_is(a, "s", { "北京", "Z", NA, "é", "Z" })
    col_is(a, "d", { D "2020-01-02", NA, D "2019-12-31", D "2021-06-30", NA })
  end)

  it("select keeps every type and the rows", function()
    local df = sample()
    local all = df:select(df:names())
    assert.is_true(all:equals(df))
    local none = df:select()
    assert.are.equal(0, none:ncol())
    assert.are.equal(5, #none)
  end)

  it("select lists the valid columns for an unknown one", function()
    local df = sample()
    raises("select: no column 'citty' (columns: id, i, f, s, b, d)", df.select, df, "i", "citty")
    raises("select: column 'i' is selected twice", df.select, df, "i", "i")
    raises("select: a column name must be a string, got table", df.select, df, "i", { "f" })
    raises("select: a column name must be a string, got number", df.select, df, { 1 })
  end)

  it("drop removes columns and keeps the order of the rest", function()
    local df = sample()
    local r = df:drop("f", "id")
    assert.are.same({ "i", "s", "b", "d" }, r:names())
    assert.are.same({ "int", "str", "bool", "date" }, r:types())
    col_is(r, "b", { true, false, NA, true, false })
    assert.are.same({ "id", "i", "s", "b", "d" }, df:drop({ "f" }):names())
    assert.are.same({ "i", "f", "s", "b", "d" }, df:drop("id", "id"):names())
    local none = df:drop(df:names())
    assert.are.equal(0, none:ncol())
    assert.are.equal(5, #none)
    raises("drop: no column 'x' (columns: id, i, f, s, b, d)", df.drop, df, "x")
  end)

  it("rename keeps positions and values", function()
    local df = sample()
    local r = df:rename({ s = "城市", d = "when" })
    assert.are.same({ "id", "i", "f", "城市", "b", "when" }, r:names())
    assert.are.same(ALL_TYPES, r:types())
    col_is(r, "城市", { "北京", "Z", NA, "é", "Z" })
    local sw = df:rename({ i = "f", f = "i" })
    assert.are.same({ "id", "f", "i", "s", "b", "d" }, sw:names())
    col_is(sw, "f", { 3, 1, NA, 2, 1 })
  end)

  it("rename reports collisions and bad names", function()
    local df = sample()
    raises("rename: two columns would be named 'f'", df.rename, df, { i = "f" })
    raises("rename: two columns would be named 'x'", df.rename, df, { i = "x", f = "x" })
    raises("rename: no column 'zz' (columns: id, i, f, s, b, d)", df.rename, df, { zz = "a" })
    raises("rename: column names must be strings, got number", df.rename, df, { i = 5 })
    raises("rename: column names must not be empty", df.rename, df, { i = "" })
    raises("rename: keys must be old column names, as in { old = \"new\" }, got the number key 1",
      df.rename, df, { "i" })
    raises("rename: expected a table { old = \"new\" }, got string", df.rename, df, "i")
  end)
end)

describe("filter", function()
  it("keeps the rows where a bool column is true; NA drops the row", function()
    local df = sample()
    local r = df:filter(df.b)
    assert.are.same({ 1, 4 }, ids(r))
    assert.are.same(ALL_TYPES, r:types())
    col_is(r, "s", { "北京", "é" })
    col_is(r, "d", { D "2020-01-02", D "2021-06-30" })
    col_is(r, "f", { 1.5, -2.25 })
  end)

  it("takes masks built by comparisons on every type", function()
    local df = sample()
    assert.are.same({ 1, 4 }, ids(df:filter(df.i:ge(2))))
    assert.are.same({ 1, 5 }, ids(df:filter(df.f:eq(1.5))))
    assert.are.same({ 2, 5 }, ids(df:filter(df.s:eq("Z"))))
    assert.are.same({ 1, 4 }, ids(df:filter(df.d:gt(D "2020-01-01"))))
    assert.are.same({ 3 }, ids(df:filter(df.s:is_na())))
  end)

  it("takes a Lua array of booleans", function()
    local df = sample()
    assert.are.same({ 2, 3 }, ids(df:filter({ false, true, true, false, NA })))
  end)

  it("calls a function with each row; nil and NA drop the row", function()
    local df = sample()
    local seen = {}
    local r = df:filter(function(row)
      seen[#seen + 1] = row.id
      if row.i == NA then return NA end
      if row.s == "é" then return nil end
      return row.i < 3
    end)
    assert.are.same({ 1, 2, 3, 4, 5 }, seen)
    assert.are.same({ 2, 5 }, ids(r))
    assert.are.same(ALL_TYPES, r:types())
  end)

  it("gives rows of NA and dates to the function", function()
    local df = sample()
    local r = df:filter(function(row) return row.d ~= NA and row.d:year() == 2019 end)
    assert.are.same({ 3 }, ids(r))
  end)

  it("keeps every row or none, with the types", function()
    local df = sample()
    assert.is_true(df:filter(function() return true end):equals(df))
    local none = df:filter(function() return false end)
    assert.are.equal(0, #none)
    assert.are.same(ALL_TYPES, none:types())
  end)

  it("rejects a function that returns something else", function()
    local df = sample()
    raises("filter: the function returned number for row 1 (expected a boolean, nil or modu.NA)",
      df.filter, df, function() return 1 end)
    raises("filter: the function returned string for row 2", df.filter, df,
      function(row) return row.id == 1 or "yes" end)
  end)

  it("rejects masks of the wrong length or type", function()
    local df = sample()
    raises("filter: the mask has 2 values but the frame has 5 rows", df.filter, df, { true, false })
    raises("filter: the mask has 1 values but the frame has 5 rows", df.filter, df, modu.column({ true }))
    raises("filter: the mask must be a bool column, got int (compare with :eq, :gt, ...)", df.filter, df, df.i)
    raises("filter: the mask must be a bool column, got str", df.filter, df, df.s)
    raises("filter: expected a bool column or a function of the row, got number", df.filter, df, 5)
    raises("filter: expected a bool column or a function of the row, got nil", df.filter, df)
    local m = df.b
    m:close()
    raises("filter: the column is closed", df.filter, df, m)
  end)

  it("survives the function closing the frame", function()
    local df = sample()
    local r = df:filter(function(row)
      df:close()
      return row.id > 3
    end)
    assert.are.same({ 4, 5 }, ids(r))
    raises("the frame is closed", df.ncol, df)
  end)

  it("survives a mask table whose metamethods close the frame", function()
    local df = sample()
    local mask = setmetatable({}, {
      __len = function() df:close() return 5 end,
      __index = function(_, k) return k % 2 == 1 end,
    })
    assert.are.same({ 1, 3, 5 }, ids(df:filter(mask)))
    raises("the frame is closed", df.ncol, df)
  end)
end)

describe("mutate", function()
  it("adds a column, a scalar, an array and a function of the row", function()
    local df = sample()
    local r = df:mutate({
      { "twice", df.i * 2 },
      { "k", 7 },
      { "arr", { "a", "b", "c", "d", "e" } },
      { "next_day", function(row) if row.d ~= NA then return row.d + 1 end end },
      { "label", function(row) return row.s == NA and "?" or row.s .. "!" end },
      { "neg", function(row) if row.b == NA then return NA end return not row.b end },
      { "half", function(row) return row.f ~= NA and row.f / 2 or nil end },
    })
    assert.are.same({ "id", "i", "f", "s", "b", "d", "twice", "k", "arr", "next_day", "label", "neg", "half" },
      r:names())
    assert.are.same({ "int", "int", "float", "str", "bool", "date", "int", "int", "str", "date", "str", "bool",
      "float" }, r:types())
    col_is(r, "twice", { 6, 2, NA, 4, 2 })
    col_is(r, "k", { 7, 7, 7, 7, 7 })
    col_is(r, "arr", { "a", "b", "c", "d", "e" })
    col_is(r, "next_day", { D "2020-01-03", NA, D "2020-01-01", D "2021-07-01", NA })
    col_is(r, "label", { "北京!", "Z!", "?", "é!", "Z!" })
    col_is(r, "neg", { false, true, NA, false, true })
    col_is(r, "half", { 0.75, NA, NAN, -1.125, 0.75 })
  end)

  it("replaces an existing column in its position", function()
    local df = sample()
    local r = df:mutate({ s = df.i, i = { "x", "x", "x", "x", "x" } })
    assert.are.same({ "id", "i", "f", "s", "b", "d" }, r:names())
    assert.are.same({ "int", "str", "float", "int", "bool", "date" }, r:types())
    col_is(r, "s", { 3, 1, NA, 2, 1 })
    col_is(r, "i", { "x", "x", "x", "x", "x" })
  end)

  it("appends new columns of a keyed table sorted by name", function()
    local r = sample():mutate({ zeta = 1, alpha = 2, Mid = 3, id = 0 })
    assert.are.same({ "id", "i", "f", "s", "b", "d", "Mid", "alpha", "zeta" }, r:names())
    col_is(r, "id", { 0, 0, 0, 0, 0 })
  end)

  it("appends new columns of an array of pairs in the given order", function()
    local r = sample():mutate({ { "zeta", 1 }, { "alpha", 2 }, { "Mid", 3 } })
    assert.are.same({ "id", "i", "f", "s", "b", "d", "zeta", "alpha", "Mid" }, r:names())
  end)

  it("lets every value of a keyed table see the original frame", function()
    local df = sample()
    local r = df:mutate({ i = 0, j = function(row) return row.i end, k = "i" })
    col_is(r, "i", { 0, 0, 0, 0, 0 })
    col_is(r, "j", { 3, 1, NA, 2, 1 })
    col_is(r, "k", { 3, 1, NA, 2, 1 })
  end)

  it("evaluates an array of pairs in order, each value seeing the pairs before it", function()
    local df = sample()
    local r = df:mutate({ { "i", 0 }, { "j", function(row) return row.i end }, { "k", df.i }, { "m", "i + 1" } })
    col_is(r, "i", { 0, 0, 0, 0, 0 })
    col_is(r, "j", { 0, 0, 0, 0, 0 })
    col_is(r, "k", { 3, 1, NA, 2, 1 }) -- a column value is what it was when passed
    col_is(r, "m", { 1, 1, 1, 1, 1 })
  end)

  it("works on a frame without rows", function()
    local df = sample():head(0)
    local r = df:mutate({ x = function() return 1 end, y = 2 })
    assert.are.equal(0, #r)
    assert.are.same({ "id", "i", "f", "s", "b", "d", "x", "y" }, r:names())
  end)

  it("reports bad values, naming the column", function()
    local df = sample()
    raises("mutate: column 'c' has 2 values but the frame has 5 rows", df.mutate, df, { c = { 1, 2 } })
    raises("mutate: column 'c' has 1 values but the frame has 5 rows", df.mutate, df, { c = modu.column({ 1 }) })
    raises("mutate: column 'c': value 1 is a table", df.mutate, df, { c = function() return {} end })
    raises("mutate: column 'c': value 2 is a string but value 1 is an integer", df.mutate, df,
      { c = function(row) return row.id == 1 and 1 or "x" end })
    raises("mutate: column 'c' must be a column, an array or a single value, got thread",
      df.mutate, df, { c = coroutine.create(print) })
    raises("mutate: column 's': invalid UTF-8 in row 1 at byte 1", df.mutate, df, { s = function() return "\xc3" end })
    raises("mutate: column 's': invalid UTF-8 in row 2 at byte 2", df.mutate, df, { s = { "a", "a\xc3", "", "", "" } })
    raises("mutate: expected a table { name = value }, got number", df.mutate, df, 3)
    raises("mutate: column 'a' is given twice", df.mutate, df, { { "a", 1 }, { "a", 2 } })
    raises("mutate: column 'i' is given twice", df.mutate, df, { { "i", 1 }, { "i", 2 } })
    raises("mutate: entry 2 must be a {name, value} pair, got number", df.mutate, df, { { "a", 1 }, 5 })
    raises("mutate: entry 1 must be a {name, value} pair, got a table of 3 entries", df.mutate, df,
      { { "a", 1, "extra" } })
    raises("mutate: key 'z' mixes the two forms", df.mutate, df, { { "a", 1 }, z = 2 })
    raises("mutate: column names must not be empty", df.mutate, df, { [""] = 1 })
    raises("boom", df.mutate, df, { c = function() error("boom") end })
  end)

  it("survives the function closing the frame", function()
    local df = sample()
    local r = df:mutate({ x = function(row)
      df:close()
      return row.id * 10
    end })
    col_is(r, "x", { 10, 20, 30, 40, 50 })
    col_is(r, "s", { "北京", "Z", NA, "é", "Z" })
  end)
end)

describe("sort", function()
  it("sorts each type ascending with NA last", function()
    local df = sample()
    assert.are.same({ 2, 5, 4, 1, 3 }, ids(df:sort("i")))
    assert.are.same({ 4, 1, 5, 3, 2 }, ids(df:sort("f")))
    assert.are.same({ 2, 5, 4, 1, 3 }, ids(df:sort("s")))
    assert.are.same({ 2, 5, 1, 4, 3 }, ids(df:sort("b")))
    assert.are.same({ 3, 1, 4, 2, 5 }, ids(df:sort("d")))
  end)

  it("sorts each type descending with NA still last", function()
    local df = sample()
    assert.are.same({ 1, 4, 2, 5, 3 }, ids(df:sort({ "i", desc = true })))
    assert.are.same({ 1, 5, 4, 3, 2 }, ids(df:sort({ "f", desc = true })))
    assert.are.same({ 1, 4, 2, 5, 3 }, ids(df:sort({ "s", desc = true })))
    assert.are.same({ 1, 4, 2, 5, 3 }, ids(df:sort({ "b", desc = true })))
    assert.are.same({ 4, 1, 3, 2, 5 }, ids(df:sort({ "d", desc = true })))
  end)

  it("carries every column along", function()
    local r = sample():sort("d")
    assert.are.same(ALL_TYPES, r:types())
    col_is(r, "s", { NA, "北京", "é", "Z", "Z" })
    col_is(r, "f", { NAN, 1.5, -2.25, NA, 1.5 })
    col_is(r, "b", { NA, true, true, false, false })
  end)

  it("puts NaN after numbers and before NA in both directions", function()
    local df = modu.frame({ { "id", { 1, 2, 3, 4, 5 } }, { "x", { NA, 0 / 0, 2.0, -1.0, 0 / 0 } } })
    assert.are.same({ 4, 3, 2, 5, 1 }, ids(df:sort("x")))
    assert.are.same({ 3, 4, 2, 5, 1 }, ids(df:sort({ "x", desc = true })))
  end)

  it("orders strings by UTF-8 bytes", function()
    local df = modu.frame({ s = { "北", "a", "é", "Z", "ab", NA, "" } })
    col_is(df:sort("s"), "s", { "", "Z", "a", "ab", "é", "北", NA })
    col_is(df:sort({ "s", desc = true }), "s", { "北", "é", "ab", "a", "Z", "", NA })
  end)

  it("sorts by several keys", function()
    local df = sample()
    assert.are.same({ 5, 2, 4, 1, 3 }, ids(df:sort("s", { "id", desc = true })))
    assert.are.same({ 2, 5, 4, 1, 3 }, ids(df:sort("b", "i", "id")))
    assert.are.same({ 5, 2, 4, 1, 3 }, ids(df:sort({ "b", desc = false }, { "id", desc = true })))
  end)

  it("is stable: equal keys keep their input order", function()
    local n = 200
    local key, id = {}, {}
    for k = 1, n do
      key[k] = (k * 7) % 5
      if k % 11 == 0 then key[k] = NA end
      id[k] = k
    end
    local df = modu.frame({ { "id", id }, { "key", key } })
    for _, desc in ipairs({ false, true }) do
      local r = df:sort({ "key", desc = desc }):to_rows()
      for k = 2, n do
        local a, b = r[k - 1], r[k]
        if a.key == b.key then
          assert.is_true(a.id < b.id, "rows with equal keys swapped at " .. k)
        elseif a.key ~= NA and b.key ~= NA then
          assert.is_true(desc and a.key > b.key or not desc and a.key < b.key, "order at " .. k)
        else
          assert.are.equal(NA, b.key, "NA must come last")
        end
      end
    end
  end)

  it("treats -0.0 and 0.0 as equal keys", function()
    local df = modu.frame({ { "id", { 1, 2, 3 } }, { "x", { 0.0, -0.0, -1.0 } } })
    assert.are.same({ 3, 1, 2 }, ids(df:sort("x")))
  end)

  it("sorts an empty frame", function()
    local r = sample():head(0):sort("s")
    assert.are.equal(0, #r)
    assert.are.same(ALL_TYPES, r:types())
  end)

  it("reports bad keys", function()
    local df = sample()
    raises("sort: name at least one key column (columns: id, i, f, s, b, d)", df.sort, df)
    raises("sort: no column 'x' (columns: id, i, f, s, b, d)", df.sort, df, "i", "x")
    raises("sort: desc must be a boolean, got number", df.sort, df, { "i", desc = 1 })
    raises("sort: key 1 names more than one column", df.sort, df, { "i", "f" })
    raises("sort: a column name must be a string, got nil", df.sort, df, { desc = true })
    raises("sort: a column name must be a string, got number", df.sort, df, 1)
  end)
end)

describe("head / tail / slice", function()
  it("head and tail give 5 rows by default", function()
    local df = eight()
    assert.are.same({ 1, 2, 3, 4, 5 }, ids(df:head()))
    assert.are.same({ 4, 5, 6, 7, 8 }, ids(df:tail()))
    col_is(df:tail(), "s", { "北", "e", "f", NA, "h" })
    col_is(df:head(3), "d", { D "2001-01-01", D "2001-01-02", NA })
  end)

  it("head and tail take n, all rows when n is larger, all but |n| when negative", function()
    local df = eight()
    assert.are.same({ 1, 2, 3 }, ids(df:head(3)))
    assert.are.same({ 6, 7, 8 }, ids(df:tail(3)))
    assert.is_true(df:head(100):equals(df))
    assert.is_true(df:tail(100):equals(df))
    assert.are.same({ 1, 2, 3, 4, 5 }, ids(df:head(-3)))
    assert.are.same({ 4, 5, 6, 7, 8 }, ids(df:tail(-3)))
    assert.are.equal(0, #df:head(0))
    assert.are.equal(0, #df:tail(0))
    assert.are.equal(0, #df:head(-100))
    assert.are.equal(0, #df:tail(-8))
  end)

  it("head and tail keep every type", function()
    local df = sample()
    assert.is_true(df:head(2):equals(df:take({ 1, 2 })))
    assert.is_true(df:tail(2):equals(df:take({ 4, 5 })))
    assert.are.same(ALL_TYPES, df:tail(1):types())
  end)

  it("head and tail check n", function()
    local df = eight()
    raises("head: n must be an integer, got 2.5", df.head, df, 2.5)
    raises("tail: n must be an integer, got string", df.tail, df, "x")
    raises("head: n must be an integer, got table", df.head, df, {})
  end)

  it("slice takes positions like string.sub", function()
    local df = eight()
    assert.are.same({ 2, 3, 4 }, ids(df:slice(2, 4)))
    assert.are.same({ 6, 7, 8 }, ids(df:slice(-3)))
    assert.are.same({ 3, 4, 5, 6, 7, 8 }, ids(df:slice(3)))
    assert.are.same({ 1, 2 }, ids(df:slice(0, 2)))
    assert.are.same({ 1, 2 }, ids(df:slice(-100, 2)))
    assert.are.same({ 6, 7 }, ids(df:slice(-3, -2)))
    assert.are.same({ 8 }, ids(df:slice(8, 8)))
    assert.is_true(df:slice(1, -1):equals(df))
    assert.is_true(df:slice(1, 100):equals(df))
    assert.are.equal(0, #df:slice(5, 3))
    assert.are.equal(0, #df:slice(9, 12))
    assert.are.equal(0, #df:slice(65, 70))
    assert.are.equal(0, #df:slice(math.maxinteger, math.maxinteger))
    assert.are.equal(0, #df:slice(1, math.mininteger))
    assert.are.same({ "int", "str", "date" }, df:slice(9, 12):types())
  end)

  it("slice keeps NA in every type", function()
    local r = sample():slice(2, 3)
    col_is(r, "i", { 1, NA })
    col_is(r, "f", { NA, NAN })
    col_is(r, "s", { "Z", NA })
    col_is(r, "b", { false, NA })
    col_is(r, "d", { NA, D "2019-12-31" })
  end)

  it("slice checks its positions", function()
    local df = eight()
    raises("slice: positions must be integers, got no value and no value", df.slice, df)
    raises("slice: positions must be integers, got string and no value", df.slice, df, "a")
    raises("slice: positions must be integers, got number and number", df.slice, df, 1, 2.5)
  end)
end)

describe("take", function()
  it("takes rows by an array, with repeats, in the order given", function()
    local df = sample()
    local r = df:take({ 3, 1, 1 })
    assert.are.same({ 3, 1, 1 }, ids(r))
    assert.are.same(ALL_TYPES, r:types())
    col_is(r, "s", { NA, "北京", "北京" })
    col_is(r, "f", { NAN, 1.5, 1.5 })
    col_is(r, "d", { D "2019-12-31", D "2020-01-02", D "2020-01-02" })
  end)

  it("takes rows by an int column; an NA index gives an NA row", function()
    local df = sample()
    local r = df:take(modu.column({ 4, NA }))
    col_is(r, "id", { 4, NA })
    col_is(r, "s", { "é", NA })
    col_is(r, "b", { true, NA })
    col_is(r, "d", { D "2021-06-30", NA })
    col_is(r, "f", { -2.25, NA })
    local e = df:take({})
    assert.are.equal(0, #e)
    assert.are.same(ALL_TYPES, e:types())
  end)

  it("reports bad indices", function()
    local df = sample()
    raises("take: row 0 (position 1) is out of range 1..5", df.take, df, { 0 })
    raises("take: row 6 (position 2) is out of range 1..5", df.take, df, { 1, 6 })
    raises("take: row -1 (position 1) is out of range 1..5", df.take, df, modu.column({ -1 }))
    raises("take: row numbers must be integers, got a float column", df.take, df, { 1.5 })
    raises("take: row numbers must be integers, got a str column", df.take, df, df.s)
    raises("take: expected an array or int column of row numbers, got string", df.take, df, "1")
    raises("take: value 1 is a table", df.take, df, { {} })
  end)
end)

describe("take, survival", function()
  it("survives an index table whose metamethods close the frame", function()
    local df = sample()
    local idx = setmetatable({}, {
      __len = function() df:close() return 2 end,
      __index = function(_, k) return 6 - k end,
    })
    assert.are.same({ 5, 4 }, ids(df:take(idx)))
  end)
end)

describe("distinct", function()
  it("over all columns keeps the first of each distinct row", function()
    local df = modu.frame({
      { "s", { "a", "b", "a", NA, NA, "a" } },
      { "n", { 1, 2, 1, NA, NA, 2 } },
      { "d", { D "2000-01-01", NA, D "2000-01-01", NA, NA, D "2000-01-01" } },
    })
    local r = df:distinct()
    assert.are.same({ "s", "n", "d" }, r:names())
    col_is(r, "s", { "a", "b", NA, "a" })
    col_is(r, "n", { 1, 2, NA, 2 })
    col_is(r, "d", { D "2000-01-01", NA, NA, D "2000-01-01" })
  end)

  it("by keys returns only the keys, in order of first appearance", function()
    local df = sample()
    local cases = {
      i = { 3, 1, NA, 2 },
      f = { 1.5, NA, NAN, -2.25 },
      s = { "北京", "Z", NA, "é" },
      b = { true, false, NA },
      d = { D "2020-01-02", NA, D "2019-12-31", D "2021-06-30" },
    }
    for name, expected in pairs(cases) do
      local r = df:distinct(name)
      assert.are.same({ name }, r:names())
      col_is(r, name, expected)
    end
    local two = df:distinct("b", "s")
    assert.are.same({ "b", "s" }, two:names())
    assert.are.equal(4, #two)
  end)

  it("keeps all columns with keep_all", function()
    local df = sample()
    local r = df:distinct("s", { keep_all = true })
    assert.are.same(df:names(), r:names())
    assert.are.same({ 1, 2, 3, 4 }, ids(r))
    assert.are.same({ 1, 2, 3 }, ids(df:distinct("b", { keep_all = true })))
    assert.is_true(df:distinct({ keep_all = true }):equals(df))
  end)

  it("puts NA keys in one group, and -0.0 with 0.0, and NaN with NaN", function()
    local df = modu.frame({ x = { 0.0, -0.0, 0 / 0, -(0 / 0), NA, NA, 1.0 } })
    col_is(df:distinct("x"), "x", { 0.0, NAN, NA, 1.0 })
    local two = modu.frame({ { "a", { NA, NA, 1, NA } }, { "b", { "x", "x", "x", NA } } })
    local r = two:distinct("a", "b")
    col_is(r, "a", { NA, 1, NA })
    col_is(r, "b", { "x", "x", NA })
  end)

  it("tells strings from different dictionaries apart by text", function()
    local a = modu.frame({ s = { "x", "y" } })
    local b = modu.frame({ s = { "y", "z", "x" } })
    col_is(modu.bind_rows(a, b):distinct("s"), "s", { "x", "y", "z" })
  end)

  it("reports bad keys", function()
    local df = sample()
    raises("distinct: no column 'zz' (columns: id, i, f, s, b, d)", df.distinct, df, "zz")
    raises("distinct: pass key names as arguments, options as a table last", df.distinct, df, { "s" })
    raises("distinct: key 's' is named twice", df.distinct, df, "s", "s")
    raises("distinct: a column name must be a string, got number", df.distinct, df, 1)
  end)
end)

describe("modu.bind_rows", function()
  it("stacks frames of every type", function()
    local r = modu.bind_rows(sample(), sample():tail(2))
    assert.are.equal(7, #r)
    assert.are.same(ALL_TYPES, r:types())
    col_is(r, "i", { 3, 1, NA, 2, 1, 2, 1 })
    col_is(r, "f", { 1.5, NA, NAN, -2.25, 1.5, -2.25, 1.5 })
    col_is(r, "s", { "北京", "Z", NA, "é", "Z", "é", "Z" })
    col_is(r, "b", { true, false, NA, true, false, true, false })
    col_is(r, "d", { D "2020-01-02", NA, D "2019-12-31", D "2021-06-30", NA, D "2021-06-30", NA })
  end)

  it("unifies int and float, fills missing columns with NA, merges dictionaries", function()
    local a = modu.frame({ { "x", { 1, 2 } }, { "s", { "a", "北" } } })
    local b = modu.frame({ { "s", { "北", "c" } }, { "x", { 0.5, NA } }, { "y", { true, false } } })
    local r = modu.bind_rows(a, b)
    assert.are.same({ "x", "s", "y" }, r:names())
    assert.are.same({ "float", "str", "bool" }, r:types())
    col_is(r, "x", { 1.0, 2.0, 0.5, NA })
    col_is(r, "s", { "a", "北", "北", "c" })
    col_is(r, "y", { NA, NA, true, false })
    assert.are.equal(3, #r:distinct("s"))
    col_is(r:sort("s"), "s", { "a", "c", "北", "北" })
  end)

  it("takes frames as one array, and one frame alone", function()
    local a, b = modu.frame({ x = { 1 } }), modu.frame({ x = { 2 } })
    col_is(modu.bind_rows({ a, b, a }), "x", { 1, 2, 1 })
    assert.is_true(modu.bind_rows(a):equals(a))
  end)

  it("binds many frames given as one array", function()
    local t = {}
    for k = 1, 3000 do t[k] = modu.frame({ x = { k } }) end
    local r = modu.bind_rows(t)
    assert.are.equal(3000, #r)
    assert.are.same({ x = 3000 }, r:row(3000))
  end)

  it("names the column of a type clash", function()
    raises("bind_rows: column 'a': cannot combine int with str",
      modu.bind_rows, modu.frame({ a = { 1 } }), modu.frame({ a = { "x" } }))
    raises("bind_rows: column 'when'", modu.bind_rows, modu.frame({ when = { D "2020-01-01" } }),
      modu.frame({ when = { "2020-01-01" } }))
    raises("bind_rows: column 'ok'", modu.bind_rows, modu.frame({ ok = { true } }), modu.frame({ ok = { 1 } }))
  end)

  it("rejects what is not an open frame", function()
    local a = modu.frame({ a = { 1 } })
    raises("bind_rows: expected at least one frame", modu.bind_rows)
    raises("bind_rows: expected at least one frame", modu.bind_rows, {})
    raises("bind_rows: argument 2 must be a modu.Frame, got number", modu.bind_rows, a, 3)
    raises("bind_rows: argument 2 must be a modu.Frame, got modu.Column", modu.bind_rows, { a, a.a })
    local c = modu.frame({ a = { 2 } })
    c:close()
    raises("bind_rows: the frame is closed", modu.bind_rows, a, c)
  end)
end)

describe("immutability", function()
  it("refuses assignment", function()
    local df = sample()
    raises("frames are immutable: use df:mutate{ x = ... }", function() df.x = 1 end)
    raises("frames are immutable: use df:mutate{ i = ... }", function() df.i = { 1, 2, 3, 4, 5 } end)
    raises("frames are immutable", function() df[1] = 1 end)
    col_is(df, "i", { 3, 1, NA, 2, 1 })
  end)

  it("leaves the input of every verb unchanged", function()
    local df, copy = sample(), sample()
    local results = {
      df:select("s"), df:drop("s"), df:rename({ s = "t" }), df:filter(df.b), df:filter(function() return false end),
      df:mutate({ s = 1, z = 2 }), df:sort({ "i", desc = true }), df:head(2), df:tail(2), df:slice(2, 3),
      df:take({ 5, 4 }), df:distinct("s"), modu.bind_rows(df, df), df:to_rows(), df:to_columns(),
    }
    assert.are.equal(15, #results)
    assert.is_true(df:equals(copy))
    assert.are.same(copy:names(), df:names())
  end)

  it("returns new frames, so closing a result leaves the input alone", function()
    local df = sample()
    local r = df:select("s", "i")
    r:close()
    local h = df:head(5)
    h:close()
    assert.is_true(df:equals(sample()))
  end)
end)

describe("closed frames", function()
  local args = {
    col = { "i" }, row = { 1 }, select = { "i" }, drop = { "i" }, rename = { { i = "j" } },
    filter = { function() return true end }, mutate = { { z = 1 } }, sort = { "i" }, slice = { 1, 2 },
    take = { { 1 } }, distinct = { "i" }, head = { 2 }, tail = { 2 },
  }

  it("every method raises 'the frame is closed'", function()
    local df = sample()
    args.equals = { sample() }
    df:close()
    local n = 0
    for name, method in pairs(modu.Frame) do
      if name ~= "close" then
        local ok, msg = pcall(method, df, table.unpack(args[name] or {}))
        assert.is_false(ok, name .. " worked on a closed frame")
        assert.matches("the frame is closed", msg, 1, true)
        n = n + 1
      end
    end
    assert.is_true(n >= 20)
  end)

  it("#df, tostring, df.name and bind_rows raise too; close twice is fine", function()
    local df = sample()
    df:close()
    df:close()
    raises("len: the frame is closed", function() return #df end)
    raises("tostring: the frame is closed", tostring, df)
    raises("index: the frame is closed", function() return df.i end)
    raises("bind_rows: the frame is closed", modu.bind_rows, df)
    local other = sample()
    raises("equals: the frame is closed", other.equals, other, df)
  end)

  it("a <close> variable closes the frame at the end of its scope", function()
    local outer
    do
      local df <close> = sample()
      outer = df
      assert.are.equal(5, #df)
    end
    raises("ncol: the frame is closed", outer.ncol, outer)
  end)
end)

describe("a finalizer closing the frame mid-call", function()
  -- A __gc metamethod can run at any allocation, so a verb may see its frame
  -- closed halfway. Each call must either work or say the frame is closed;
  -- `make asan` checks that nothing is read after it was freed.
  local calls = {
    names = {}, types = {}, row = { 1 }, to_rows = {}, to_columns = {}, select = { "s", "i" }, drop = { "s" },
    rename = { { s = "t" } }, filter = { function() return true end }, mutate = { { z = 1 } }, sort = { "s", "i" },
    head = { 2 }, tail = { 2 }, slice = { 2, 3 }, take = { { 2, 1 } }, distinct = { "s" }, col = { "zz" },
  }

  it("never reads a freed frame", function()
    local worked, closed = 0, 0
    for name, args in pairs(calls) do
      for _ = 1, 150 do
        local df = sample()
        setmetatable({}, { __gc = function() df:close() end })
        for _ = 1, 20 do setmetatable({}, { __gc = function() end }) end
        local ok, msg = pcall(df[name], df, table.unpack(args))
        if ok then
          worked = worked + 1
        elseif tostring(msg):find("the frame is closed", 1, true) then
          closed = closed + 1
        else
          assert.matches("no column 'zz'", msg, 1, true) -- col's own error, with the list of columns
          assert.matches("columns: id, i, f, s, b, d", msg, 1, true)
        end
      end
    end
    assert.is_true(worked > 0)
    local a = sample()
    setmetatable({}, { __gc = function() a:close() end })
    local ok, msg = pcall(modu.bind_rows, sample(), a, sample())
    assert.is_true(ok or msg:find("the frame is closed", 1, true) ~= nil, msg)
  end)
end)

describe("foreign self", function()
  it("methods called on other values name what they got", function()
    raises("select: self must be a modu.Frame, got modu.Column (call it with ':')",
      modu.Frame.select, modu.column({ 1 }), "a")
    raises("head: self must be a modu.Frame, got FILE* (call it with ':')", modu.Frame.head, io.stdout)
    raises("ncol: self must be a modu.Frame, got table (call it with ':')", modu.Frame.ncol, {})
    raises("close: self must be a modu.Frame, got FILE* (call it with ':')", modu.Frame.close, io.stdout)
    raises("names: self must be a modu.Frame, got nil", modu.Frame.names, nil)
    raises("names: self must be a modu.Frame, got no value", modu.Frame.names)
    raises("sort: self must be a modu.Frame, got modu.NA", modu.Frame.sort, NA, "a")
    raises("row: self must be a modu.Frame, got modu.Date", modu.Frame.row, D "2020-01-01", 1)
  end)

  it("every method rejects a foreign self", function()
    for name, method in pairs(modu.Frame) do
      for _, self in ipairs({ modu.column({ 1 }), io.stdout, {}, "df", 1 }) do
        local ok, msg = pcall(method, self)
        assert.is_false(ok, name)
        assert.matches("self must be a modu.Frame", msg, 1, true)
      end
    end
  end)

  it("a frame method called with '.' says how to call it", function()
    local df = sample()
    raises("select: self must be a modu.Frame, got string (call it with ':')", df.select, "i")
  end)
end)
