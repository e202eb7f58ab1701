-- Group-by: group order (first appearance, sorted), NA and NaN keys, every
-- aggregate against hand-derived values, grouped mutate and filter, count,
-- value_counts and distinct, empty and one-row frames, and the errors.
local modu = require "modu"
local support = require "spec.support"

local NA = modu.NA
local D = modu.date
local raises = support.raises
local col_is = support.col_is
local NAN = support.NAN

-- seven rows; groups by city in first appearance: 深圳 (rows 1, 4), 北京 (2, 5),
-- NA (3, 6), 上海 (7)
local function cities()
  return modu.frame({
    { "city", { "深圳", "北京", NA, "深圳", "北京", NA, "上海" } },
    { "year", { 2016, 2016, 2016, 2017, 2017, 2017, 2017 } },
    { "firms", { 36100, 39800, 7, NA, 41000, NA, 20000 } },
    { "share", { 0.5, 1.5, NA, 2.5, NA, 4.0, -1.0 } },
    { "ok", { true, false, NA, true, true, NA, NA } },
    { "d", { D "2016-05-01", D "2016-02-01", NA, D "2017-01-09", NA, D "2017-03-03", D "2017-12-01" } },
  })
end

describe("group_by order", function()
  it("puts groups in order of first appearance, NA keys in a group of their own", function()
    local r = cities():group_by("city"):agg({ n = "count()" })
    col_is(r, "city", { "深圳", "北京", NA, "上海" })
    col_is(r, "n", { 2, 2, 2, 1 })
    assert.are.equal(4, cities():group_by("city"):ngroups())
  end)

  it("sorts groups by key with { sort = true }, NA last", function()
    local r = cities():group_by("city", { sort = true }):agg({ n = "count()" })
    col_is(r, "city", { "上海", "北京", "深圳", NA }) -- UTF-8 byte order
    col_is(r, "n", { 1, 2, 2, 2 })
  end)

  it("groups by several keys, in first appearance or sorted", function()
    local g = cities():group_by("city", "year"):agg({ n = "count()" })
    col_is(g, "city", { "深圳", "北京", NA, "深圳", "北京", NA, "上海" })
    col_is(g, "year", { 2016, 2016, 2016, 2017, 2017, 2017, 2017 })
    local s = cities():group_by("year", "city", { sort = true }):agg({ n = "count()" })
    col_is(s, "year", { 2016, 2016, 2016, 2017, 2017, 2017, 2017 })
    col_is(s, "city", { "北京", "深圳", NA, "上海", "北京", "深圳", NA })
  end)

  it("groups int keys with NA, sparse ranges and the int64 extremes", function()
    local r = modu.frame({ { "k", { 10 ^ 15 // 1, 1, 10 ^ 15 // 1, -7, NA, 1, NA } } })
      :group_by("k"):agg({ n = "count()" })
    col_is(r, "k", { 10 ^ 15 // 1, 1, -7, NA })
    col_is(r, "n", { 2, 2, 1, 2 })
    local x = modu.frame({ { "k", { math.mininteger, math.maxinteger, 0, math.mininteger } } })
      :group_by("k"):agg({ n = "count()" })
    col_is(x, "k", { math.mininteger, math.maxinteger, 0 })
    col_is(x, "n", { 2, 1, 1 })
  end)

  it("groups float keys: every NaN is one key, -0.0 joins 0.0", function()
    local r = modu.frame({ { "k", { 0.0, 0 / 0, -0.0, 1.5, 0 / 0, NA } } }):group_by("k"):agg({ n = "count()" })
    col_is(r, "k", { 0.0, NAN, 1.5, NA })
    col_is(r, "n", { 2, 2, 1, 1 })
  end)

  it("groups bool and date keys", function()
    local b = cities():group_by("ok"):agg({ n = "count()" })
    col_is(b, "ok", { true, false, NA })
    col_is(b, "n", { 3, 1, 3 })
    local d = modu.frame({ { "d", { D "2020-01-02", D "2019-01-01", D "2020-01-02" } } })
      :group_by("d", { sort = true }):agg({ n = "count()" })
    col_is(d, "d", { D "2019-01-01", D "2020-01-02" })
    col_is(d, "n", { 1, 2 })
  end)

  it("groups two keys whose combinations outgrow a dense table", function()
    local k1, k2 = {}, {}
    for i = 1, 600 do
      local j = (i - 1) % 300 + 1
      k1[i], k2[i] = j, (j * 7) % 300
    end
    local r = modu.frame({ { "a", k1 }, { "b", k2 } }):group_by("a", "b"):agg({ n = "count()" })
    assert.are.equal(300, #r)
    for i, n in ipairs(r:col("n"):to_table()) do
      assert.are.equal(2, n)
      assert.are.equal(i, r:col("a")[i])
    end
  end)
end)

describe("aggregates", function()
  -- by city: 深圳 rows 1, 4; 北京 rows 2, 5; NA rows 3, 6; 上海 row 7
  local function agg(spec) return cities():group_by("city"):agg(spec) end

  it("count and n_distinct (NA not counted as a value)", function()
    local r = agg({ { "n", "count()" }, { "nd", "n_distinct(firms)" }, { "ny", "n_distinct(year)" } })
    col_is(r, "n", { 2, 2, 2, 1 })
    col_is(r, "nd", { 1, 2, 1, 1 })
    col_is(r, "ny", { 2, 2, 2, 1 })
  end)

  it("sum and mean skip NA; an int sum stays int", function()
    local r = agg({ { "s", "sum(firms)" }, { "m", "mean(share)" }, { "sb", "sum(ok)" }, { "mb", "mean(ok)" } })
    col_is(r, "s", { 36100, 80800, 7, 20000 })
    assert.are.equal("int", r:col("s"):type())
    col_is(r, "m", { 1.5, 1.5, 4.0, -1.0 })
    col_is(r, "sb", { 2, 1, 0, 0 })
    col_is(r, "mb", { 1.0, 0.5, NA, NA })
  end)

  it("min and max of numbers, text and dates keep the type", function()
    local r = agg({ { "lo", "min(firms)" }, { "hi", "max(share)" }, { "last_d", "max(d)" },
      { "year_lo", "min(year)" } })
    col_is(r, "lo", { 36100, 39800, 7, 20000 })
    col_is(r, "hi", { 2.5, 1.5, 4.0, -1.0 })
    col_is(r, "last_d", { D "2017-01-09", D "2016-02-01", D "2017-03-03", D "2017-12-01" })
    col_is(r, "year_lo", { 2016, 2016, 2016, 2017 })
    local t = modu.frame({ { "g", { 1, 1, 1, 2 } }, { "s", { "b", "北", "a", NA } } }):group_by("g")
      :agg({ { "lo", "min(s)" }, { "hi", "max(s)" } })
    col_is(t, "lo", { "a", NA })
    col_is(t, "hi", { "北", NA })
  end)

  it("median, var and sd; var and sd need two values", function()
    local r = agg({ { "med", "median(firms)" }, { "v", "var(share)" }, { "vf", "var(firms)" }, { "sd", "sd(share)" } })
    col_is(r, "med", { 36100.0, 40400.0, 7.0, 20000.0 })
    -- 深圳 share 0.5, 2.5: mean 1.5, squared deviations 1 + 1 over n - 1 = 1
    col_is(r, "v", { 2.0, NA, NA, NA })
    -- 北京 firms 39800, 41000: deviations of 600 each
    col_is(r, "vf", { NA, 720000.0, NA, NA })
    col_is(r, "sd", { math.sqrt(2), NA, NA, NA }, 1e-15)
  end)

  it("first and last skip NA", function()
    local r = agg({ { "f", "first(share)" }, { "l", "last(firms)" }, { "fd", "first(d)" } })
    col_is(r, "f", { 0.5, 1.5, 4.0, -1.0 })
    col_is(r, "l", { 36100, 41000, 7, 20000 })
    col_is(r, "fd", { D "2016-05-01", D "2016-02-01", D "2017-03-03", D "2017-12-01" })
  end)

  it("any and all skip NA: all of nothing is true, any of nothing false", function()
    local r = agg({ { "any", "any(ok)" }, { "all", "all(ok)" } })
    col_is(r, "any", { true, true, false, false })
    col_is(r, "all", { true, false, true, true })
  end)

  it("quantile (type 7, as R and numpy) and cor", function()
    local df = modu.frame({
      { "g", { "a", "a", "a", "a", "a", "b", "b", "b", "c", "c", "c", "d", "d" } },
      { "v", { 5, 1, 4, 2, 3, 10, NA, 20, 1, 1, 1, 1, 1 } },
      { "x", { 1, 2, 3, NA, NA, 1, 2, NA, 1, NA, 3, 1, 1 } },
      { "y", { 1, 3, 2, 7, 7, 5, 3, 1, 2, 9, 6, 2, 3 } },
    })
    local r = df:group_by("g"):agg({ { "q10", "quantile(v, 0.1)" }, { "q90", "quantile(v, 0.9)" },
      { "med", "median(v)" }, { "r", "cor(x, y)" } })
    -- a: 1..5, h = 4p: 1 + 0.4 and 4 + 0.6; b: 10, 20
    col_is(r, "q10", { 1.4, 11.0, 1.0, 1.0 }, 1e-12)
    col_is(r, "q90", { 4.6, 19.0, 1.0, 1.0 }, 1e-12)
    col_is(r, "med", { 3.0, 15.0, 1.0, 1.0 })
    -- a: pairs (1,1) (2,3) (3,2): sxy 1, sxx 2, syy 2; b: (1,5) (2,3); c: (1,2) (3,6);
    -- d: x constant, so 0 / 0
    col_is(r, "r", { 0.5, -1.0, 1.0, NAN }, 1e-15)
  end)

  it("gives NA for groups with no value, one value for one-row groups", function()
    local df = modu.frame({ { "g", { 1, 2, 2 } }, { "x", { 4.0, NA, NA } } })
    local r = df:group_by("g"):agg({ { "mean", "mean(x)" }, { "med", "median(x)" }, { "q", "quantile(x, 0.5)" },
      { "min", "min(x)" }, { "sd", "sd(x)" }, { "sum", "sum(x)" }, { "n", "count()" }, { "nd", "n_distinct(x)" } })
    col_is(r, "mean", { 4.0, NA })
    col_is(r, "med", { 4.0, NA })
    col_is(r, "q", { 4.0, NA })
    col_is(r, "min", { 4.0, NA })
    col_is(r, "sd", { NA, NA })
    col_is(r, "sum", { 4.0, 0.0 }) -- as Column:sum, a sum of nothing is 0
    col_is(r, "n", { 1, 2 })
    col_is(r, "nd", { 1, 0 })
  end)

  it("combines aggregates with arithmetic, and a literal repeats per group", function()
    local r = agg({ { "per", "sum(firms) / count()" }, { "spread", "max(firms) - min(firms)" }, { "one", "1" } })
    col_is(r, "per", { 18050.0, 40400.0, 3.5, 20000.0 })
    col_is(r, "spread", { 0, 1200, 0, 0 })
    col_is(r, "one", { 1, 1, 1, 1 })
  end)

  it("orders keyed specs by byte order and keeps the order of {name, expr} pairs", function()
    assert.are.same({ "city", "B", "a", "é" }, agg({ ["é"] = "count()", a = "sum(firms)", B = "count()" }):names())
    assert.are.same({ "city", "b", "a" }, agg({ { "b", "count()" }, { "a", "sum(firms)" } }):names())
  end)

  it("aggregates a whole frame into one row with df:agg", function()
    local r = cities():agg({ { "n", "count()" }, { "s", "sum(firms)" }, { "m", "max(year)" } })
    assert.are.equal(1, #r)
    col_is(r, "n", { 7 })
    col_is(r, "s", { 36100 + 39800 + 7 + 41000 + 20000 })
    col_is(r, "m", { 2017 })
  end)

  it("raises on an int sum that overflows", function()
    local df = modu.frame({ { "g", { 1, 1 } }, { "x", { math.maxinteger, 1 } } })
    raises("agg: sum overflows int64 in a group (cast the column to float)",
      function() return df:group_by("g"):agg({ s = "sum(x)" }) end)
  end)

  it("keeps IEEE sums past infinity", function()
    local r = modu.frame({ { "g", { 1, 1, 2 } }, { "x", { 1.0, math.huge, 0.1 } } }):group_by("g"):agg({ s = "sum(x)" })
    col_is(r, "s", { math.huge, 0.1 })
  end)
end)

describe("grouped mutate and filter", function()
  it("runs windows within each group, rows staying in frame order", function()
    local r = cities():group_by("city"):mutate({ { "prev", "lag(firms)" }, { "cs", "cumsum(firms)" },
      { "rn", "row_number()" }, { "rk", "rank(firms)" } })
    col_is(r, "city", { "深圳", "北京", NA, "深圳", "北京", NA, "上海" })
    col_is(r, "prev", { NA, NA, NA, 36100, 39800, 7, NA })
    col_is(r, "cs", { 36100, 39800, 7, NA, 80800, NA, 20000 })
    col_is(r, "rn", { 1, 1, 1, 2, 2, 2, 1 })
    col_is(r, "rk", { 1.0, 1.0, 1.0, NA, 2.0, NA, 1.0 })
  end)

  it("broadcasts a group's aggregate to its rows", function()
    local r = cities():group_by("city"):mutate({ { "dev", "share - mean(share)" }, { "n", "count()" } })
    col_is(r, "dev", { -1.0, 0.0, NA, 1.0, NA, 0.0, 0.0 })
    col_is(r, "n", { 2, 2, 2, 2, 2, 2, 1 })
  end)

  it("keeps each group's latest year with filter", function()
    local df = modu.frame({ { "city", { "A", "B", "A", "B", "C", NA, NA } },
      { "year", { 2016, 2018, 2017, 2016, 2015, 2014, 2013 } } })
    local r = df:group_by("city"):filter("year == max(year)")
    col_is(r, "city", { "B", "A", "C", NA })
    col_is(r, "year", { 2018, 2017, 2015, 2014 })
  end)

  it("keeps whole groups by an aggregate condition", function()
    local r = cities():group_by("city"):filter("count() > 1 and sum(firms) > 100")
    col_is(r, "city", { "深圳", "北京", "深圳", "北京" })
  end)

  it("drops groups whose condition is NA", function()
    local r = cities():group_by("city"):filter("firms == max(firms)")
    col_is(r, "firms", { 36100, 7, 41000, 20000 })
  end)

  it("evaluates {name, expr} pairs in order, as dplyr: later ones see earlier ones", function()
    local r = cities():group_by("city"):mutate({ { "share2", "firms / sum(firms)" }, { "pct", "share2 * 100" },
      { "top", "share2 == max(share2)" }, { "firms", "coalesce(firms, 0)" }, { "f2", "firms * 2" } })
    col_is(r, "pct", { 100.0, 39800 / 808, 100.0, NA, 41000 / 808, NA, 100.0 }, 1e-9)
    col_is(r, "top", { true, false, true, NA, true, NA, true })
    col_is(r, "firms", { 36100, 39800, 7, 0, 41000, 0, 20000 })
    col_is(r, "f2", { 72200, 79600, 14, 0, 82000, 0, 40000 })
  end)

  it("lets a keyed table's expressions see only the frame as it was", function()
    local r = cities():group_by("city"):mutate({ firms = "0", n = "sum(firms)" })
    col_is(r, "n", { 36100, 80800, 7, 36100, 80800, 7, 20000 })
    raises("mutate: unknown column 'later'", function()
      return cities():group_by("city"):mutate({ { "now", "later + 1" }, { "later", "firms" } })
    end)
  end)

  it("refuses a name given twice and a mix of the two forms in the ordered form", function()
    local g = cities():group_by("city")
    raises("mutate: column 'a' is given twice", g.mutate, g, { { "a", "firms" }, { "a", "year" } })
    raises("mutate: key 'z' mixes the two forms", g.mutate, g, { { "a", "firms" }, z = "year" })
    raises("mutate: entry 2 must be a {name, value} pair, got number", g.mutate, g, { { "a", "firms" }, 5 })
    raises("mutate: entry 1 must be a {name, value} pair, got a table of 1 entry", g.mutate, g, { { "a" } })
    local df = cities()
    raises("mutate: column 'a' is given twice", df.mutate, df, { { "a", "firms" }, { "a", "year" } })
  end)

  it("returns plain frames: mutate, filter and slice_max end the grouping (group_by again to go on)", function()
    local g = cities():group_by("city")
    for _, r in ipairs({ g:mutate({ { "n", "count()" } }), g:filter("count() > 1"), g:slice_max("firms", 1) }) do
      assert.are.equal("modu.Frame", getmetatable(r).__name)
    end
  end)

  it("runs the ordered form on empty and one-row frames", function()
    local empty = cities():head(0)
    local r = empty:group_by("city"):mutate({ { "s", "firms / sum(firms)" }, { "t", "s + 1" } })
    assert.are.equal(0, #r)
    assert.are.same({ "city", "year", "firms", "share", "ok", "d", "s", "t" }, r:names())
    local one = cities():head(1):group_by("city"):mutate({ { "s", "firms / sum(firms)" }, { "t", "s + 1" } })
    col_is(one, "t", { 2.0 })
  end)

  it("ungroups into the same frame and prints the groups", function()
    local df = cities()
    local g = df:group_by("city", "year")
    assert.is_true(g:ungroup():equals(df))
    assert.are.equal(7, g:ngroups())
    assert.matches("^groups: city, year %[7%]\n", tostring(g))
  end)
end)

describe("count, value_counts and distinct", function()
  it("counts rows per key combination, sorted by key", function()
    local r = cities():count("city")
    col_is(r, "city", { "上海", "北京", "深圳", NA })
    col_is(r, "n", { 1, 2, 2, 2 })
    local two = cities():count("year", "ok")
    col_is(two, "year", { 2016, 2016, 2016, 2017, 2017 })
    col_is(two, "ok", { false, true, NA, true, NA })
    col_is(two, "n", { 1, 1, 1, 2, 2 })
    col_is(cities():count(), "n", { 7 })
  end)

  it("counts values most frequent first, ties in order of first appearance", function()
    local r = modu.frame({ { "s", { "b", NA, "a", "a", "b", NA, "c", "a" } } }):value_counts("s")
    col_is(r, "s", { "a", "b", NA, "c" })
    col_is(r, "n", { 3, 2, 2, 1 })
  end)

  it("keeps the first row of each key combination with distinct", function()
    col_is(cities():distinct("city"), "city", { "深圳", "北京", NA, "上海" })
    local r = cities():distinct("year", "ok")
    col_is(r, "year", { 2016, 2016, 2016, 2017, 2017 })
    col_is(r, "ok", { true, false, NA, true, NA })
  end)
end)

describe("grouping empty and one-row frames", function()
  local function empty()
    return modu.frame({ { "g", modu.column({}, "str") }, { "x", modu.column({}, "int") },
      { "b", modu.column({}, "bool") } })
  end

  it("gives no group and no row for an empty frame, with typed columns", function()
    local g = empty():group_by("g")
    assert.are.equal(0, g:ngroups())
    local r = g:agg({ { "n", "count()" }, { "s", "sum(x)" }, { "m", "mean(x)" } })
    assert.are.equal(0, #r)
    assert.are.same({ "str", "int", "int", "float" }, r:types())
    assert.are.equal(0, #g:mutate({ { "l", "lag(x)" } }))
    assert.are.equal(0, #g:filter("x == max(x)"))
    assert.are.equal(0, #empty():count("g"))
    assert.are.equal(0, #empty():value_counts("g"))
    assert.are.equal(0, #empty():distinct("g"))
  end)

  it("aggregates an empty frame into one row, as SQL does without GROUP BY", function()
    local r = empty():agg({ { "n", "count()" }, { "s", "sum(x)" }, { "m", "mean(x)" }, { "med", "median(x)" },
      { "hi", "max(x)" }, { "nd", "n_distinct(x)" }, { "any", "any(b)" }, { "all", "all(b)" } })
    assert.are.equal(1, #r)
    col_is(r, "n", { 0 })
    col_is(r, "s", { 0 })
    col_is(r, "m", { NA })
    col_is(r, "med", { NA })
    col_is(r, "hi", { NA })
    col_is(r, "nd", { 0 })
    col_is(r, "any", { false })
    col_is(r, "all", { true })
    col_is(empty():count(), "n", { 0 })
  end)

  it("aggregates a one-row frame", function()
    local one = modu.frame({ { "g", { "x" } }, { "v", { 2.5 } }, { "w", { 1.0 } } })
    local r = one:group_by("g"):agg({ { "n", "count()" }, { "med", "median(v)" }, { "q", "quantile(v, 0.9)" },
      { "var", "var(v)" }, { "sd", "sd(v)" }, { "cor", "cor(v, w)" }, { "f", "first(v)" }, { "l", "last(v)" } })
    col_is(r, "n", { 1 })
    col_is(r, "med", { 2.5 })
    col_is(r, "q", { 2.5 })
    col_is(r, "var", { NA })
    col_is(r, "sd", { NA })
    col_is(r, "cor", { NA })
    col_is(r, "f", { 2.5 })
    col_is(r, "l", { 2.5 })
    col_is(one:group_by("g"):mutate({ { "r", "rank(v)" } }), "r", { 1.0 })
    col_is(one:count("g"), "n", { 1 })
  end)
end)

describe("grouping errors", function()
  it("names the function, the argument and the valid columns", function()
    local df = cities()
    raises("group_by: name at least one key column (columns: city, year, firms, share, ok, d)",
      function() return df:group_by() end)
    raises("group_by: no column 'citty' (columns: city, year, firms, share, ok, d)",
      function() return df:group_by("citty") end)
    raises("group_by: key 'city' is named twice", function() return df:group_by("city", "city") end)
    raises("group_by: key 1 must be a column name, got number", function() return df:group_by(1) end)
    raises("count: no column 'x' (columns: city, year, firms, share, ok, d)", function() return df:count("x") end)
    raises("value_counts: key 1 must be a column name, got nil", function() return df:value_counts() end)
  end)

  it("checks agg specs", function()
    local g = cities():group_by("city")
    raises('agg: expected a table { name = "expression" }, got string', function() return g:agg("count()") end)
    raises("agg: 'n' must be an expression string such as \"sum(x)\", got number",
      function() return g:agg({ n = 1 }) end)
    raises("agg: column 'city' is named twice", function() return g:agg({ city = "count()" }) end)
    raises("agg: entry 1 must be a {name, expression} pair", function() return g:agg({ "count()" }) end)
    raises("agg: 's = ...' mixed with {name, expression} pairs: use one form",
      function() return g:agg({ { "n", "count()" }, s = "sum(firms)" }) end)
    raises("agg: sum needs a numeric column, got str", function() return g:agg({ s = "sum(city)" }) end)
    raises("filter: a grouped filter takes an expression string, got table",
      function() return g:filter({ true }) end)
    raises('mutate: expected a table { name = "expression" }, got string', function() return g:mutate("x") end)
  end)

  it("refuses a closed grouped frame and a wrong self", function()
    local g = cities():group_by("city")
    g:close()
    g:close() -- closing twice is fine
    raises("agg: the grouped frame is closed", function() return g:agg({ n = "count()" }) end)
    raises("ngroups: the grouped frame is closed", function() return g:ngroups() end)
    raises("tostring: the grouped frame is closed", function() return tostring(g) end)
    local open = cities():group_by("city")
    raises("agg: self must be a modu.GroupedFrame, got number (call it with ':')",
      function() return open.agg(5, {}) end)
    do
      local scoped <close> = cities():group_by("year")
      assert.are.equal(2, scoped:ngroups())
    end
  end)
end)
