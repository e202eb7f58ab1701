-- The expression language of filter / mutate / agg: arithmetic, comparisons,
-- Kleene logic, in-lists, the functions, NA literals, names, dates, and the
-- parse and name errors with their caret under the offending position.
local modu = require "modu"
local support = require "spec.support"

local NA = modu.NA
local D = modu.date
local raises = support.raises
local col_is = support.col_is

-- five rows; NA in every column, Chinese names and values, a name with a space
local function sample()
  return modu.frame({
    { "city", { "北京", "深圳", "上海", "杭州", NA } },
    { "year", { 2016, 2017, 2016, 2018, 2017 } },
    { "firms", { 39800, 36100, NA, 12000, 500 } },
    { "share", { 0.25, 0.5, NA, 1.5, -2.5 } },
    { "ok", { true, NA, false, true, NA } },
    { "d", { D "2016-03-01", D "2017-12-31", NA, D "2018-07-15", D "2016-01-01" } },
    { "城市", { "甲", "乙", "甲", NA, "丙" } },
    { "my col", { 1, 2, 3, 4, 5 } },
  })
end

-- mutate{ v = src } and the values of v
local function eval(src, df)
  return (df or sample()):mutate({ { "v", src } }):col("v")
end

local function values(src, df) return eval(src, df):to_table() end

-- the error of df:filter(src): the message line and the caret's display column
-- (0-based, within the expression) from the caret line under the expression
local function expr_error(src, df, verb)
  df = df or sample()
  local ok, msg = pcall(function()
    if verb == "mutate" then return df:mutate({ { "v", src } }) end
    if verb == "agg" then return df:agg({ { "v", src } }) end
    return df:filter(src)
  end)
  assert.is_false(ok, "expected an error from: " .. src)
  msg = tostring(msg)
  local lines = {}
  for line in (msg .. "\n"):gmatch("(.-)\n") do lines[#lines + 1] = line end
  assert.are.equal("  " .. src:gsub("[\n\t]", " "), lines[2], "the expression echoed on line 2")
  local caret = lines[3]
  assert.is_truthy(caret:match("^  +%^$"), "a caret line under the expression: " .. caret)
  return lines[1], #caret - 3, lines[4]
end

describe("expression arithmetic", function()
  it("computes + - * / // % ^ with Lua's types and precedences", function()
    assert.are.same({ 16, 17, 16, 18, 17 }, values("year - 2000"))
    assert.are.same({ 398.0, 361.0, NA, 120.0, 5.0 }, values("firms / 100"))
    assert.are.same({ 672, 672, 672, 672, 672 }, values("2016 // 3"))
    assert.are.same({ 0, 1, 0, 2, 1 }, values("year % 4"))
    assert.are.same({ 7, 7, 7, 7, 7 }, values("1 + 2 * 3"))
    assert.are.same({ 9, 9, 9, 9, 9 }, values("(1 + 2) * 3"))
    assert.are.same({ 512.0, 512.0, 512.0, 512.0, 512.0 }, values("2 ^ 3 ^ 2"))
    assert.are.same({ -4.0, -4.0, -4.0, -4.0, -4.0 }, values("-2 ^ 2"))
    assert.are.same({ -0.25, -0.5, NA, -1.5, 2.5 }, values("-share"))
    assert.are.same({ 0.5, 0.5, 0.5, 0.5, 0.5 }, values("2 ^ -1"))
  end)

  it("propagates NA through arithmetic and reads int literals beyond int64 as floats", function()
    assert.are.same({ 39801, 36101, NA, 12001, 501 }, values("firms + 1"))
    local big = values("9223372036854775808 + 0")
    assert.are.equal("float", math.type(big[1]))
    assert.are.equal(2.0 ^ 63, big[1])
    assert.are.same({ 1.5, 1.5, 1.5, 1.5, 1.5 }, values(".5 + 1"))
    assert.are.same({ 1200.0, 1200.0, 1200.0, 1200.0, 1200.0 }, values("1.2e3 + 0"))
  end)

  it("types the literal NA by what it meets", function()
    local v = eval("firms + NA")
    assert.are.equal("int", v:type())
    assert.are.equal(5, v:count_na())
    local ifna = eval("if_else(year > 2016, firms, NA)")
    assert.are.equal("int", ifna:type())
    assert.are.same({ NA, 36100, NA, 12000, 500 }, ifna:to_table())
    local dates = eval("if_else(year == 2016, d, NA)")
    assert.are.equal("date", dates:type())
    assert.are.same({ D "2016-03-01", NA, NA, NA, NA }, dates:to_table())
    assert.are.same({ 39800, 36100, 1, 12000, 500 }, values("coalesce(firms, NA, 1)"))
    assert.are.equal(0, #sample():filter("city == NA"))
    assert.are.equal("bool", eval("NA"):type())
  end)
end)

describe("expression comparisons and logic", function()
  it("compares numbers and strings, dropping NA rows in filter", function()
    col_is(sample():filter("year >= 2017"), "year", { 2017, 2018, 2017 })
    col_is(sample():filter("firms < 36100"), "firms", { 12000, 500 })
    col_is(sample():filter("city == '北京'"), "firms", { 39800 })
    col_is(sample():filter("city != '北京'"), "city", { "深圳", "上海", "杭州" })
    col_is(sample():filter("city ~= \"北京\""), "city", { "深圳", "上海", "杭州" })
    col_is(sample():filter("share <= 0.5"), "share", { 0.25, 0.5, -2.5 })
    col_is(sample():filter("year > 2016 and year < 2018"), "firms", { 36100, 500 })
  end)

  it("follows Kleene logic: NA and false is false, NA or true is true", function()
    -- ok = true, NA, false, true, NA
    assert.are.same({ false, false, false, false, false }, values("ok and false"))
    assert.are.same({ true, NA, false, true, NA }, values("ok and true"))
    assert.are.same({ true, true, true, true, true }, values("ok or true"))
    assert.are.same({ true, NA, false, true, NA }, values("ok or false"))
    assert.are.same({ false, NA, true, false, NA }, values("not ok"))
    assert.are.same({ true, NA, true, true, NA }, values("not ok or ok"))
  end)

  it("binds not looser than a comparison and and tighter than or", function()
    -- not year == 2016 is not (year == 2016); a or b and c is a or (b and c)
    assert.are.same({ false, true, false, true, true }, values("not year == 2016"))
    assert.are.same({ true, true, true, true, true }, values("true or false and false"))
    assert.are.same({ false, false, false, false, false }, values("(true or false) and false"))
  end)

  it("tests membership with in (...) and not in (...)", function()
    col_is(sample():filter("city in ('北京', '上海')"), "year", { 2016, 2016 })
    col_is(sample():filter("year in (2016, 2018)"), "city", { "北京", "上海", "杭州" })
    col_is(sample():filter("share in (-2.5, 0.25)"), "share", { 0.25, -2.5 })
    -- as Column:isin, an NA value is not in a list without NA, so "not in" keeps it
    col_is(sample():filter("city not in ('北京', '上海')"), "city", { "深圳", "杭州", NA })
    col_is(sample():filter("city in ('北京', NA)"), "city", { "北京", NA })
    col_is(sample():filter("d in ('2016-01-01', '2018-07-15')"), "year", { 2018, 2017 })
  end)

  it("compares dates with ISO strings on either side", function()
    col_is(sample():filter("d >= '2017-01-01'"), "year", { 2017, 2018 })
    col_is(sample():filter("'2016-03-01' == d"), "firms", { 39800 })
    col_is(sample():filter("d < '2016-12-31' or d > '2018-01-01'"), "firms", { 39800, 12000, 500 })
  end)
end)

describe("expression functions", function()
  it("is_na, coalesce and if_else", function()
    assert.are.same({ false, false, true, false, false }, values("is_na(firms)"))
    assert.are.same({ 39800, 36100, 0, 12000, 500 }, values("coalesce(firms, 0)"))
    assert.are.same({ "北京", "深圳", "上海", "杭州", "?" }, values("coalesce(city, '?')"))
    assert.are.same({ "old", "new", "old", "new", "new" }, values("if_else(year > 2016, 'new', 'old')"))
    -- an NA condition gives NA
    assert.are.same({ 1, NA, 0, 1, NA }, values("if_else(ok, 1, 0)"))
  end)

  it("abs sqrt log exp round floor ceil", function()
    assert.are.same({ 0.25, 0.5, NA, 1.5, 2.5 }, values("abs(share)"))
    assert.are.same({ 3, 3, 3, 3, 3 }, values("abs(-3)"))
    assert.are.same({ 4.0, 4.0, 4.0, 4.0, 4.0 }, values("sqrt(16)"))
    assert.are.same({ 0.0, 0.0, 0.0, 0.0, 0.0 }, values("log(1)"))
    assert.are.same({ 1.0, 1.0, 1.0, 1.0, 1.0 }, values("exp(0)"))
    assert.are.same({ 2.0, 2.0, 2.0, 2.0, 2.0 }, values("log(exp(2))"))
    -- round halves to even, as R and numpy
    assert.are.same({ 0.0, 0.0, NA, 2.0, -2.0 }, values("round(share)"))
    assert.are.same({ 4.0, 4.0, 4.0, 4.0, 4.0 }, values("round(3.5)"))
    assert.are.same({ 1.23, 1.23, 1.23, 1.23, 1.23 }, values("round(1.2345, 2)"))
    assert.are.same({ 1400.0, 1400.0, 1400.0, 1400.0, 1400.0 }, values("round(1350, -2)"))
    assert.are.same({ 1200.0, 1200.0, 1200.0, 1200.0, 1200.0 }, values("round(1250, -2)"))
    assert.are.same({ 39800, 36100, NA, 12000, 500 }, values("round(firms)"))
    assert.are.same({ 0.0, 0.0, NA, 1.0, -3.0 }, values("floor(share)"))
    assert.are.same({ 1.0, 1.0, NA, 2.0, -2.0 }, values("ceil(share)"))
  end)

  it("lower upper contains starts_with ends_with len on text", function()
    local df = modu.frame({ { "s", { "Modu É", "北京 AI", NA, "" } } })
    assert.are.same({ "modu é", "北京 ai", NA, "" }, values("lower(s)", df))
    assert.are.same({ "MODU É", "北京 AI", NA, "" }, values("upper(s)", df))
    assert.are.same({ false, true, NA, false }, values("contains(s, '京')", df))
    assert.are.same({ true, false, NA, false }, values("starts_with(s, 'Mo')", df))
    assert.are.same({ false, true, NA, false }, values("ends_with(s, 'AI')", df))
    assert.are.same({ true, true, NA, true }, values("contains(s, '')", df))
    -- len counts code points
    assert.are.same({ 6, 5, NA, 0 }, values("len(s)", df))
  end)

  it("year month day of dates", function()
    assert.are.same({ 2016, 2017, NA, 2018, 2016 }, values("year(d)"))
    assert.are.same({ 3, 12, NA, 7, 1 }, values("month(d)"))
    assert.are.same({ 1, 31, NA, 15, 1 }, values("day(d)"))
    col_is(sample():filter("year(d) != year"), "city", { NA })
  end)

  it("casts with as_int as_float as_str", function()
    assert.are.same({ "2016", "2017", "2016", "2018", "2017" }, values("as_str(year)"))
    assert.are.same({ 2016.0, 2017.0, 2016.0, 2018.0, 2017.0 }, values("as_float(year)"))
  end)
end)

describe("aggregates and windows inside expressions", function()
  it("broadcasts an aggregate back to the rows in filter and mutate", function()
    -- mean of 39800, 36100, 12000, 500 is 88400 / 4 = 22100
    assert.are.same({ 17700.0, 14000.0, NA, -10100.0, -21600.0 }, values("firms - mean(firms)"))
    col_is(sample():filter("firms == max(firms)"), "city", { "北京" })
    col_is(sample():filter("year == min(year)"), "city", { "北京", "上海" })
    assert.are.same({ 5, 5, 5, 5, 5 }, values("count()"))
  end)

  it("computes growth with lag", function()
    local g = values("firms / lag(firms) - 1")
    assert.are.equal(NA, g[1])
    assert.is_true(math.abs(g[2] - (36100 / 39800 - 1)) < 1e-15)
    assert.are.equal(NA, g[3])
    assert.are.equal(NA, g[4])
    assert.is_true(math.abs(g[5] - (500 / 12000 - 1)) < 1e-15)
  end)

  it("mixes aggregates in agg and refuses per-row values there", function()
    local r = sample():agg({ { "per_firm", "sum(firms) / count()" }, { "range", "max(year) - min(year)" } })
    col_is(r, "per_firm", { 88400 / 5 })
    col_is(r, "range", { 2 })
    local line, col = expr_error("firms + 1", nil, "agg")
    assert.are.equal("agg: this gives one value per row; in agg wrap it in an aggregate such as sum(), mean() "
      .. "or first()", line)
    assert.are.equal(6, col)
  end)
end)

describe("expression names", function()
  it("reads `backquoted names` and Chinese column names and literals", function()
    assert.are.same({ 2, 4, 6, 8, 10 }, values("`my col` * 2"))
    col_is(sample():filter("城市 == '甲'"), "city", { "北京", "上海" })
    col_is(sample():filter("`城市` in ('乙', '丙')"), "year", { 2017, 2017 })
    local df = modu.frame({ { "and", { 1, 2 } }, { "year", { 3, 4 } } })
    assert.are.same({ 4, 6 }, values("`and` + year", df))
  end)

  it("takes a function name not followed by '(' as a column", function()
    local df = modu.frame({ { "year", { 2020, 2021 } }, { "sum", { 1, 2 } } })
    assert.are.same({ 2021, 2023 }, values("year + sum", df))
  end)
end)

describe("expression evaluation", function()
  it("is parsed once and evaluated a column at a time: no Lua call per row", function()
    -- count every function call while a filter and a mutate run: the count
    -- must not grow with the rows, so no row goes through Lua
    local function calls(n)
      local x, y = {}, {}
      for i = 1, n do x[i], y[i] = i % 97, (i * 7) % 13 end
      local df = modu.frame({ { "x", x }, { "y", y } })
      local count = 0
      -- no collection meanwhile: a finaliser run would count as a call
      collectgarbage("collect")
      collectgarbage("stop")
      debug.sethook(function() count = count + 1 end, "c")
      local ok, f, m = pcall(function()
        return df:filter("x > 50 and y < 6 or is_na(x)"),
          df:mutate({ { "z", "if_else(x > y, x - y, y - x) + sum(x) / count()" } })
      end)
      debug.sethook()
      collectgarbage("restart")
      assert(ok, f)
      return count, #f, m
    end
    local small = calls(10)
    local big, kept, m = calls(100000)
    assert.are.equal(small, big)
    -- rows with x > 50 and y < 6, counted here in Lua
    local want = 0
    for i = 1, 100000 do
      if i % 97 > 50 and (i * 7) % 13 < 6 then want = want + 1 end
    end
    assert.are.equal(want, kept)
    assert.are.equal(100000, #m)
  end)

  it("works on an empty frame and a one-row frame", function()
    local e = modu.frame({ { "x", modu.column({}, "int") } })
    assert.are.equal(0, #e:filter("x > 1"))
    assert.are.equal(0, #e:mutate({ { "y", "x * 2 - mean(x)" } }))
    local one = modu.frame({ { "x", { 5 } } })
    assert.are.same({ 0.0 }, values("x - mean(x)", one))
    assert.are.same({ NA }, values("lag(x)", one))
    assert.are.equal(1, #one:filter("x == max(x)"))
  end)

  it("refuses a filter expression that is not bool, showing it", function()
    local line, col = expr_error("year + 1")
    assert.are.equal("filter: the expression gives int values, not bool (filter keeps the rows where it is true)",
      line)
    assert.are.equal(0, col)
  end)

  it("echoes a multi-line expression on one line with the caret under the fault", function()
    local line, col = expr_error("year >\n  yeer")
    assert.are.equal("filter: unknown column 'yeer'", line)
    assert.are.equal(9, col)
  end)
end)

describe("expression errors", function()
  -- { expression, message after "filter: ", caret column (display columns) }
  local cases = {
    { "", "empty expression", 0 },
    { "year >", "expected a value, found the end", 6 },
    { "year = 2016", "'=' is not an operator: compare with '=='", 5 },
    { "year >= 2016 & firms > 1", "'&' is not an operator: use 'and'", 13 },
    { "ok | ok", "'|' is not an operator: use 'or'", 3 },
    { "!ok", "'!' is not an operator: use 'not' (or '!=' to compare)", 0 },
    { "(year + 1 > 2", "expected ')' to close the '(' here, found the end", 13 },
    { "year > 1)", "unexpected ')' after a complete expression", 8 },
    { "year 2016", "unexpected '2016' after a complete expression", 5 },
    { "ok 'abc'", "unexpected the string 'abc' after a complete expression", 3 },
    { "sum(year, firms) > 1", "sum() takes 1 argument, got 2", 0 },
    { "lag() > 1", "lag() takes 1 to 2 arguments, got 0", 0 },
    { "count(year) > 1", "count() takes 0 arguments, got 1", 0 },
    { "city in '北京'", "expected '(' after 'in': x in ('a', 'b')", 8 },
    { "city in (city)", "the list after 'in' holds literal values only", 9 },
    { "year in (1 + 2)", "expected ',' or ')' in the 'in' list, found '+'", 11 },
    { "year in ()", "expected a value, found ')'", 9 },
    { "sum(year firms) > 1", "expected ',' or ')' in the arguments, found 'firms'", 9 },
    { "city not '北京'", "expected 'in' after 'not'", 9 },
    { "city == '北京", "unterminated string", 8 },
    { "`城市 == 1", "unterminated `name`", 0 },
    { "year @ 2", "unexpected character '@'", 5 },
    { "1 < year < 3", "comparisons do not chain: write 'a < b and b < c'", 9 },
    { "and year", "expected a value before 'and'", 0 },
    { "city + 1 > 0", "cannot apply '+' to a str operand (arithmetic needs int or float)", 5 },
    { "`城市` == 1", "cannot compare str with int", 7 },
    { "城市 == '甲' and year(city) > 1", "year needs a date, got str", 17 },
    { "if_else(year, ok, ok)", "if_else(condition, yes, no): the condition must be bool, got int", 8 },
    { "round(share, 1.5) > 0", "round(x, digits): digits must be a whole number", 13 },
    { "contains(city, city)", "contains(x, pattern): the pattern must be a string literal", 15 },
    { "rank(year, 'top') > 1", "rank(x, method): method must be one of average, min, max, dense, ordinal", 11 },
    { "lag(year, 1.5) > 1", "lag(): the second argument must be a whole number", 10 },
    { "quantile(firms, city) > 1", "quantile(x, p): p must be a number", 16 },
    { "sum(sum(firms)) > 1", "sum() of an aggregate: aggregates take row values", 4 },
    { "d > '2020-13-01'", "bad date '2020-13-01' (month 13 out of range; expected YYYY-MM-DD)", 4 },
    { "sqrt(city) > 1", "sqrt needs a number, got str", 0 },
    { "lower(year) == 'a'", "lower needs text, got int", 0 },
    { "sum(city) > 1", "sum needs a numeric column, got str", 0 },
    { "any(year)", "any needs a bool column, got int", 0 },
    { "quantile(firms, 2) > 1", "quantile: p must be between 0 and 1, got 2", 0 },
  }
  for _, case in ipairs(cases) do
    local src, want, col = case[1], case[2], case[3]
    it(("rejects %q with the caret at column %d"):format(src, col), function()
      local line, got = expr_error(src)
      assert.are.equal("filter: " .. want, line)
      assert.are.equal(col, got)
    end)
  end

  it("lists the columns after an unknown name, with the caret under it", function()
    local line, col, cols = expr_error("城市 == '甲' and yeer > 1")
    assert.are.equal("filter: unknown column 'yeer'", line)
    assert.are.equal(17, col) -- 城市 and 甲 take two columns a character
    assert.are.equal("(columns: city, year, firms, share, ok, d, 城市, my col)", cols)
  end)

  it("names the unknown function and lists the functions", function()
    local line, col = expr_error("foo(year) > 1")
    assert.matches("^filter: unknown function 'foo' %(functions: is_na coalesce if_else", line)
    assert.matches("rolling_mean rolling_sum%)$", line)
    assert.are.equal(0, col)
  end)

  it("reports errors of mutate and agg under their own names", function()
    local line, col = expr_error("firms +", nil, "mutate")
    assert.are.equal("mutate: expected a value, found the end", line)
    assert.are.equal(7, col)
    line, col = expr_error("sum(yeer)", nil, "agg")
    assert.are.equal("agg: unknown column 'yeer'", line)
    assert.are.equal(4, col)
  end)

  it("cuts a long token in a message at a character boundary", function()
    local long = ("北"):rep(40)
    local line = expr_error("year " .. long)
    assert.are.equal("filter: unexpected '" .. ("北"):rep(24) .. "...' after a complete expression", line)
    assert.is_truthy(utf8.len(line))
  end)

  it("passes values that are not strings on to mutate, which checks them", function()
    raises("mutate: column 'v' has 0 values but the frame has 5 rows",
      function() return sample():mutate({ v = {} }) end)
    local m = sample():mutate({ v = "year * 2", w = { 1, 2, 3, 4, 5 } })
    col_is(m, "v", { 4032, 4034, 4032, 4036, 4034 })
    col_is(m, "w", { 1, 2, 3, 4, 5 })
  end)
end)
