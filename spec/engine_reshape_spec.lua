-- Reshaping: pivot_wider (names_from, values_from, values_fill, id_cols) and
-- pivot_longer (cols, names_to, values_to, values_drop_na), NA names and
-- values, empty and one-row frames, the two as inverses, and the errors.
local modu = require "modu"
local support = require "spec.support"

local NA = modu.NA
local D = modu.date
local raises = support.raises
local col_is = support.col_is

-- firms by city and year; 上海 has no 2016 row, 深圳's 2017 value is NA
local function long()
  return modu.frame({
    { "city", { "北京", "北京", "深圳", "深圳", "上海" } },
    { "year", { 2016, 2017, 2016, 2017, 2017 } },
    { "firms", { 39800, 41000, 36100, NA, 20000 } },
  })
end

describe("pivot_wider", function()
  it("makes one row per id and one column per name, both in first appearance", function()
    local w = long():pivot_wider({ names_from = "year", values_from = "firms" })
    assert.are.same({ "city", "2016", "2017" }, w:names())
    col_is(w, "city", { "北京", "深圳", "上海" })
    col_is(w, "2016", { 39800, 36100, NA })
    col_is(w, "2017", { 41000, NA, 20000 })
    assert.are.same({ "str", "int", "int" }, w:types())
  end)

  it("fills the cells no row gives with values_fill, keeping NA values rows give", function()
    local w = long():pivot_wider({ names_from = "year", values_from = "firms", values_fill = 0 })
    col_is(w, "2016", { 39800, 36100, 0 })
    col_is(w, "2017", { 41000, NA, 20000 })
    local f = long():mutate({ x = "firms / 1" }):pivot_wider({ names_from = "year", values_from = "x",
      id_cols = { "city" }, values_fill = -1 })
    col_is(f, "2016", { 39800.0, 36100.0, -1.0 })
    local d = modu.frame({ { "k", { "a", "b" } }, { "n", { "x", "y" } }, { "d", { D "2020-01-01", D "2021-01-01" } } })
      :pivot_wider({ names_from = "n", values_from = "d", values_fill = "1999-12-31" })
    col_is(d, "x", { D "2020-01-01", D "1999-12-31" })
    col_is(d, "y", { D "1999-12-31", D "2021-01-01" })
  end)

  it("keeps only id_cols as ids when given", function()
    local df = long():mutate({ { "note", { "a", "b", "c", "d", "e" } } })
    local w = df:pivot_wider({ names_from = "year", values_from = "firms", id_cols = { "city" } })
    assert.are.same({ "city", "2016", "2017" }, w:names())
    col_is(w, "2017", { 41000, NA, 20000 })
  end)

  it("names a column NA for an NA name, and spells numbers and booleans", function()
    local df = modu.frame({ { "id", { 1, 1, 1 } }, { "n", { 1.5, NA, 2.0 } }, { "v", { "a", "b", "c" } } })
    local w = df:pivot_wider({ names_from = "n", values_from = "v" })
    assert.are.same({ "id", "1.5", "NA", "2.0" }, w:names())
    local b = modu.frame({ { "n", { true, false } }, { "v", { 1, 2 } } })
      :pivot_wider({ names_from = "n", values_from = "v" })
    assert.are.same({ "true", "false" }, b:names())
    col_is(b, "true", { 1 })
  end)

  it("groups ids with NA like any value", function()
    local df = modu.frame({ { "id", { NA, NA, "a" } }, { "n", { "x", "y", "x" } }, { "v", { 1, 2, 3 } } })
    local w = df:pivot_wider({ names_from = "n", values_from = "v" })
    col_is(w, "id", { NA, "a" })
    col_is(w, "x", { 1, 3 })
    col_is(w, "y", { 2, NA })
  end)

  it("widens an empty frame into its id columns, and a one-row frame", function()
    local e = modu.frame({ { "id", modu.column({}, "str") }, { "n", modu.column({}, "str") },
      { "v", modu.column({}, "int") } })
    local w = e:pivot_wider({ names_from = "n", values_from = "v" })
    assert.are.same({ "id" }, w:names())
    assert.are.equal(0, #w)
    local one = modu.frame({ { "id", { "a" } }, { "n", { "x" } }, { "v", { 9 } } })
      :pivot_wider({ names_from = "n", values_from = "v", values_fill = 0 })
    assert.are.same({ "id", "x" }, one:names())
    col_is(one, "x", { 9 })
  end)

  it("refuses a repeated id and name, naming the row", function()
    local df = long():mutate({ { "city", { "北京", "北京", "北京", "深圳", "上海" } } })
    raises("pivot_wider: row 3 repeats an id and 'year' = 2016 pair seen before (aggregate first, e.g. with " ..
      "group_by():agg{})", function() return df:pivot_wider({ names_from = "year", values_from = "firms" }) end)
  end)

  it("checks its options", function()
    local df = long()
    raises("pivot_wider: expected a table { names_from = ..., values_from = ... }",
      function() return df:pivot_wider() end)
    raises("pivot_wider: names_from and values_from must be column names",
      function() return df:pivot_wider({ names_from = "year" }) end)
    raises("pivot_wider: no column 'yr' (columns: city, year, firms)",
      function() return df:pivot_wider({ names_from = "yr", values_from = "firms" }) end)
    raises("pivot_wider: names_from and values_from must be different columns",
      function() return df:pivot_wider({ names_from = "year", values_from = "year" }) end)
    raises("pivot_wider: a str value cannot fill an int column",
      function() return df:pivot_wider({ names_from = "year", values_from = "firms", values_fill = "x" }) end)
    raises("pivot_wider: values_fill must be a single value, got table",
      function() return df:pivot_wider({ names_from = "year", values_from = "firms", values_fill = {} }) end)
    raises("pivot_wider: id_cols[1] names 'year', the names_from or values_from column",
      function() return df:pivot_wider({ names_from = "year", values_from = "firms", id_cols = { "year" } }) end)
    raises("pivot_wider: id_cols names 'city' twice",
      function()
        return df:pivot_wider({ names_from = "year", values_from = "firms", id_cols = { "city", "city" } })
      end)
    raises("pivot_wider: two result columns would be named 'city' (rename a column first)", function()
      return modu.frame({ { "city", { "a" } }, { "n", { "city" } }, { "v", { 1 } } })
        :pivot_wider({ names_from = "n", values_from = "v" })
    end)
  end)
end)

describe("pivot_longer", function()
  local function wide()
    return modu.frame({ { "city", { "北京", "深圳" } }, { "2016", { 39800, 36100 } }, { "2017", { 41000.5, NA } } })
  end

  it("makes one row per row and listed column, in row order", function()
    local l = wide():pivot_longer({ cols = { "2016", "2017" }, names_to = "year", values_to = "firms" })
    assert.are.same({ "city", "year", "firms" }, l:names())
    col_is(l, "city", { "北京", "北京", "深圳", "深圳" })
    col_is(l, "year", { "2016", "2017", "2016", "2017" })
    col_is(l, "firms", { 39800.0, 41000.5, 36100.0, NA }) -- int and float values unify to float
    assert.are.equal("float", l:col("firms"):type())
  end)

  it("names the new columns name and value by default and keeps the cols order", function()
    local l = wide():pivot_longer({ cols = { "2017", "2016" } })
    assert.are.same({ "city", "name", "value" }, l:names())
    col_is(l, "name", { "2017", "2016", "2017", "2016" })
  end)

  it("drops NA values with values_drop_na", function()
    local l = wide():pivot_longer({ cols = { "2016", "2017" }, values_drop_na = true })
    col_is(l, "city", { "北京", "北京", "深圳" })
    col_is(l, "value", { 39800.0, 41000.5, 36100.0 })
  end)

  it("lengthens empty and one-row frames", function()
    local e = modu.frame({ { "id", modu.column({}, "int") }, { "a", modu.column({}, "int") } })
    local l = e:pivot_longer({ cols = { "a" } })
    assert.are.equal(0, #l)
    assert.are.same({ "int", "str", "int" }, l:types())
    local one = modu.frame({ { "a", { 1 } }, { "b", { 2 } } }):pivot_longer({ cols = { "a", "b" } })
    col_is(one, "name", { "a", "b" })
    col_is(one, "value", { 1, 2 })
  end)

  it("checks its options", function()
    local df = wide()
    raises("pivot_longer: cols must be an array of column names", function() return df:pivot_longer({}) end)
    raises("pivot_longer: cols names no column", function() return df:pivot_longer({ cols = {} }) end)
    raises("pivot_longer: no column '2018' (columns: city, 2016, 2017)",
      function() return df:pivot_longer({ cols = { "2018" } }) end)
    raises("pivot_longer: column '2016' is listed twice in cols",
      function() return df:pivot_longer({ cols = { "2016", "2016" } }) end)
    raises("pivot_longer: the value columns: cannot combine str with int",
      function() return df:pivot_longer({ cols = { "city", "2016" } }) end)
    raises("pivot_longer: names_to and values_to must be strings (column names)",
      function() return df:pivot_longer({ cols = { "2016" }, names_to = 1 }) end)
    raises("pivot_longer: two result columns would be named 'city' (rename a column first)",
      function() return df:pivot_longer({ cols = { "2016" }, names_to = "city" }) end)
  end)
end)

describe("pivot_wider and pivot_longer as inverses", function()
  it("restores a complete long frame from its wide form", function()
    local l = modu.frame({
      { "city", { "北京", "北京", "深圳", "深圳" } },
      { "year", { "2016", "2017", "2016", "2017" } },
      { "firms", { 39800, 41000, 36100, NA } },
    })
    local w = l:pivot_wider({ names_from = "year", values_from = "firms" })
    local back = w:pivot_longer({ cols = { "2016", "2017" }, names_to = "year", values_to = "firms" })
    assert.is_true(back:equals(l))
  end)

  it("restores a wide frame from its long form, NA cells and all", function()
    local w = modu.frame({ { "city", { "北京", "深圳", "上海" } }, { "2016", { 1, 2, NA } }, { "2017", { NA, 4, 5 } } })
    local l = w:pivot_longer({ cols = { "2016", "2017" }, names_to = "year", values_to = "n" })
    assert.are.equal(6, #l)
    assert.is_true(l:pivot_wider({ names_from = "year", values_from = "n" }):equals(w))
    -- without its NA rows the long form still widens back: absent cells are NA
    local dropped = w:pivot_longer({ cols = { "2016", "2017" }, names_to = "year", values_to = "n",
      values_drop_na = true })
    assert.are.equal(4, #dropped)
    assert.is_true(dropped:pivot_wider({ names_from = "year", values_from = "n" }):equals(w))
  end)

  it("round-trips an int year through as_int", function()
    local l = long()
    local w = l:pivot_wider({ names_from = "year", values_from = "firms" })
    local back = w:pivot_longer({ cols = { "2016", "2017" }, names_to = "year", values_to = "firms",
      values_drop_na = true }):mutate({ year = "as_int(year)" })
    -- 深圳's NA value and 上海's absent 2016 both leave; everything else returns
    col_is(back, "city", { "北京", "北京", "深圳", "上海" })
    col_is(back, "year", { 2016, 2017, 2016, 2017 })
    col_is(back, "firms", { 39800, 41000, 36100, 20000 })
  end)
end)
