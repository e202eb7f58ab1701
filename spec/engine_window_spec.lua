-- Window functions: the Column methods (lag lead diff pct_change cumsum cumprod
-- cummin cummax rank row_number rolling_mean rolling_sum), every rank method
-- with ties and NA, the same functions per group in expressions, and errors.
local modu = require "modu"
local support = require "spec.support"

local NA = modu.NA
local D = modu.date
local raises = support.raises
local NAN = support.NAN

-- column c holds `expected` exactly, with its Lua number subtypes (NAN: a NaN;
-- floats within tol when given)
local function is(expected, c, tol)
  local got = c:to_table()
  assert.are.equal(#expected, #got, "length")
  for k = 1, #expected do
    local e, g = expected[k], got[k]
    if e == NAN then
      assert.is_true(g ~= g, ("[%d] should be NaN, got %s"):format(k, tostring(g)))
    elseif tol and type(e) == "number" and type(g) == "number" then
      assert.is_true(math.abs(e - g) <= tol, ("[%d]: expected %s, got %s"):format(k, e, g))
    else
      assert.are.equal(e, g, ("[%d]: expected %s, got %s"):format(k, tostring(e), tostring(g)))
      if type(e) == "number" then assert.are.equal(math.type(e), math.type(g), ("[%d]: number subtype"):format(k)) end
    end
  end
end

-- x = 3, 1, NA, 3, 2
local function x() return modu.column({ 3, 1, NA, 3, 2 }) end

describe("offset windows", function()
  it("lag and lead by one row by default, by k rows when given", function()
    is({ NA, 3, 1, NA, 3 }, x():lag())
    is({ NA, NA, 3, 1, NA }, x():lag(2))
    is({ 1, NA, 3, 2, NA }, x():lead())
    is({ NA, 3, 2, NA, NA }, x():lead(2))
    is({ 3, 1, NA, 3, 2 }, x():lag(0))
    is({ 1, NA, 3, 2, NA }, x():lag(-1)) -- a negative lag is a lead
    is({ NA, NA, NA, NA, NA }, x():lag(5))
    is({ NA, NA, NA, NA, NA }, x():lead(math.maxinteger))
    is({ NA, NA, NA, NA, NA }, x():lag(math.mininteger))
    is({ NA, NA, NA, NA, NA }, x():lead(math.mininteger))
    is({ NA, 3, 1 }, modu.column({ 3, 1, 7 }):lag(2.0 // 2))
  end)

  it("lags every type, keeping it", function()
    is({ NA, "北京", NA }, modu.column({ "北京", NA, "深圳" }):lag())
    is({ NA, D "2020-01-01" }, modu.column({ D "2020-01-01", D "2020-01-02" }):lag())
    is({ false, NA }, modu.column({ true, false }):lead())
  end)

  it("diff and pct_change against the previous row", function()
    is({ NA, -2, NA, NA, -1 }, x():diff())
    is({ NA, NA, NA, 2, NA }, x():diff(2))
    is({ NA, -2 / 3, NA, NA, -1 / 3 }, x():pct_change(), 1e-15)
    is({ NA, 0.5 }, modu.column({ 2.0, 3.0 }):pct_change())
    is({ NA, math.huge }, modu.column({ 0, 5 }):pct_change())
  end)
end)

describe("running windows", function()
  it("cumsum skips NA, keeping it NA; ints stay ints", function()
    is({ 3, 4, NA, 7, 9 }, x():cumsum())
    is({ 0.5, NA, 2.0 }, modu.column({ 0.5, NA, 1.5 }):cumsum())
    is({ 1, 1, 2 }, modu.column({ true, false, true }):cumsum())
    is({ 1.0, math.huge, math.huge }, modu.column({ 1.0, math.huge, 2.0 }):cumsum())
    -- compensated: ten 0.1 make exactly 1
    local t = {}
    for i = 1, 10 do t[i] = 0.1 end
    assert.are.equal(1.0, modu.column(t):cumsum()[10])
  end)

  it("cumprod gives floats", function()
    is({ 3.0, 3.0, NA, 9.0, 18.0 }, x():cumprod())
  end)

  it("cummin and cummax of numbers and dates", function()
    is({ 3, 1, NA, 1, 1 }, x():cummin())
    is({ 3, 3, NA, 3, 3 }, x():cummax())
    is({ 2.0, NAN, NAN }, modu.column({ 2.0, 0 / 0, 1.0 }):cummin()) -- NaN sticks, as in R
    is({ D "2020-05-01", D "2020-01-01", D "2020-01-01" },
      modu.column({ D "2020-05-01", D "2020-01-01", D "2020-03-01" }):cummin())
    is({ 1, 1, 1 }, modu.column({ true, false, true }):cummax())
  end)

  it("row_number counts rows, NA or not", function()
    is({ 1, 2, 3, 4, 5 }, x():row_number())
  end)

  it("rolling_mean and rolling_sum need a full window of present values", function()
    is({ NA, 4.0, NA, NA, 5.0 }, x():rolling_sum(2))
    is({ NA, 2.0, NA, NA, 2.5 }, x():rolling_mean(2))
    is({ 1.0, 2.0, 3.0 }, modu.column({ 1, 2, 3 }):rolling_sum(1))
    is({ NA, NA, 2.0, 3.0 }, modu.column({ 1, 2, 3, 4 }):rolling_mean(3))
    is({ NA, NA }, modu.column({ 1, 2 }):rolling_sum(3))
  end)
end)

describe("rank", function()
  -- v = 20, 10, NA, 20, 30, 10: ascending 10 10 20 20 30 at rows 2 6 1 4 5
  local function v() return modu.column({ 20, 10, NA, 20, 30, 10 }) end

  it("gives ties the average rank by default", function()
    is({ 3.5, 1.5, NA, 3.5, 5.0, 1.5 }, v():rank())
    is({ 3.5, 1.5, NA, 3.5, 5.0, 1.5 }, v():rank("average"))
  end)

  it("min, max, dense and ordinal", function()
    is({ 3, 1, NA, 3, 5, 1 }, v():rank("min"))
    is({ 4, 2, NA, 4, 5, 2 }, v():rank("max"))
    is({ 2, 1, NA, 2, 3, 1 }, v():rank("dense"))
    is({ 3, 1, NA, 4, 5, 2 }, v():rank("ordinal")) -- ties in row order
  end)

  it("ranks text by byte order, dates, and int64 beyond 2^53 exactly", function()
    is({ 2, 1, 3, 1 }, modu.column({ "b", "a", "北", "a" }):rank("dense"))
    is({ 2.0, 1.0 }, modu.column({ D "2020-01-02", D "2020-01-01" }):rank())
    is({ 1.0, 2.0 }, modu.column({ 9007199254740992, 9007199254740993 }):rank())
  end)

  it("ranks NaN after every number, all NaN tied", function()
    is({ 1.5, 4.5, 3.0, 4.5, 1.5 }, modu.column({ 1.0, 0 / 0, 2.0, 0 / 0, 1.0 }):rank())
    is({ 1, 3, 2, 3, 1 }, modu.column({ 1.0, 0 / 0, 2.0, 0 / 0, 1.0 }):rank("dense"))
  end)

  it("gives NA for every row of an all-NA column", function()
    is({ NA, NA }, modu.column({ NA, NA }, "int"):rank("min"))
  end)
end)

describe("windows per group in expressions", function()
  -- groups: a rows 1, 3, 4, 6; b rows 2, 5
  local function df()
    return modu.frame({ { "g", { "a", "b", "a", "a", "b", "a" } }, { "v", { 20, 5, NA, 20, 7, 10 } } })
  end

  local function grouped(spec) return df():group_by("g"):mutate(spec) end

  it("lag, lead, diff and pct_change stay within the group", function()
    local r = grouped({ { "lag", "lag(v)" }, { "lead", "lead(v, 2)" }, { "diff", "diff(v)" },
      { "pct", "pct_change(v)" } })
    is({ NA, NA, 20, NA, 5, 20 }, r:col("lag"))
    is({ 20, NA, 10, NA, NA, NA }, r:col("lead"))
    is({ NA, NA, NA, NA, 2, -10 }, r:col("diff"))
    is({ NA, NA, NA, NA, 0.4, -0.5 }, r:col("pct"), 1e-15)
  end)

  it("running windows restart in each group", function()
    local r = grouped({ { "cs", "cumsum(v)" }, { "cp", "cumprod(v)" }, { "lo", "cummin(v)" }, { "hi", "cummax(v)" },
      { "rn", "row_number()" }, { "rs", "rolling_sum(v, 2)" }, { "rm", "rolling_mean(v, 2)" } })
    is({ 20, 5, NA, 40, 12, 50 }, r:col("cs"))
    is({ 20.0, 5.0, NA, 400.0, 35.0, 4000.0 }, r:col("cp"))
    is({ 20, 5, NA, 20, 5, 10 }, r:col("lo"))
    is({ 20, 5, NA, 20, 7, 20 }, r:col("hi"))
    is({ 1, 1, 2, 3, 2, 4 }, r:col("rn"))
    is({ NA, NA, NA, NA, 12.0, 30.0 }, r:col("rs"))
    is({ NA, NA, NA, NA, 6.0, 15.0 }, r:col("rm"))
  end)

  it("ranks within each group, with every method", function()
    -- a: 20, NA, 20, 10 -> ascending 10 (row 6), 20 (row 1), 20 (row 4); b: 5, 7
    local r = grouped({ { "avg", "rank(v)" }, { "min", "rank(v, 'min')" }, { "max", "rank(v, 'max')" },
      { "dense", "rank(v, 'dense')" }, { "ord", "rank(v, 'ordinal')" } })
    is({ 2.5, 1.0, NA, 2.5, 2.0, 1.0 }, r:col("avg"))
    is({ 2, 1, NA, 2, 2, 1 }, r:col("min"))
    is({ 3, 1, NA, 3, 2, 1 }, r:col("max"))
    is({ 2, 1, NA, 2, 2, 1 }, r:col("dense"))
    is({ 2, 1, NA, 3, 2, 1 }, r:col("ord"))
  end)

  it("runs over the whole frame when ungrouped, matching the Column methods", function()
    local r = df():mutate({ { "lag", "lag(v)" }, { "rank", "rank(v, 'dense')" }, { "cs", "cumsum(v)" } })
    is(df().v:lag():to_table(), r:col("lag"))
    is(df().v:rank("dense"):to_table(), r:col("rank"))
    is(df().v:cumsum():to_table(), r:col("cs"))
    is({ NA, 20, 5, NA, 20, 7 }, r:col("lag"))
  end)

  it("groups by an NA key like any other", function()
    local r = modu.frame({ { "g", { NA, "a", NA } }, { "v", { 1, 2, 3 } } }):group_by("g")
      :mutate({ { "cs", "cumsum(v)" } })
    is({ 1, 2, 4 }, r:col("cs"))
  end)
end)

describe("windows on empty and one-row columns", function()
  it("gives empty columns for an empty one", function()
    local e = modu.column({}, "int")
    for _, m in ipairs({ "lag", "lead", "diff", "pct_change", "cumsum", "cumprod", "cummin", "cummax", "rank",
      "row_number" }) do
      assert.are.equal(0, #e[m](e), m)
    end
    assert.are.equal(0, #e:rolling_mean(2))
  end)

  it("gives one value for one row", function()
    local one = modu.column({ 4 })
    is({ NA }, one:lag())
    is({ NA }, one:diff())
    is({ 4 }, one:cumsum())
    is({ 1.0 }, one:rank())
    is({ 1 }, one:rank("ordinal"))
    is({ 4.0 }, one:rolling_mean(1))
    is({ NA }, one:rolling_mean(2))
  end)
end)

describe("window errors", function()
  it("checks offsets, window sizes and rank methods", function()
    raises("lag: the offset must be a whole number of rows, got 1.5", function() return x():lag(1.5) end)
    raises("lead: the offset must be a whole number of rows, got string", function() return x():lead("1") end)
    raises("rolling_mean: missing the window size n (rows)", function() return x():rolling_mean() end)
    raises("rolling_sum: the window size n must be at least 1 row, got 0", function() return x():rolling_sum(0) end)
    raises("rank: unknown method 'top' (methods: average, min, max, dense, ordinal)",
      function() return x():rank("top") end)
    raises("rank: method must be a string, got number (methods: average, min, max, dense, ordinal)",
      function() return x():rank(1) end)
    raises("cumsum: takes no argument, got number", function() return x():cumsum(1) end)
    raises("pct_change: takes no argument, got number", function() return x():pct_change(2) end)
  end)

  it("checks the column's type", function()
    local s = modu.column({ "a", "b" })
    raises("cumsum: cumsum needs a numeric column, got str", function() return s:cumsum() end)
    raises("cummax: cummax needs a numeric column, got str", function() return s:cummax() end)
    raises("rolling_mean: rolling_mean needs a numeric column, got str", function() return s:rolling_mean(2) end)
    raises("diff: cannot apply '-' to a str operand", function() return s:diff() end)
    raises("cumsum: cumsum overflows int64 at row 2 (cast the column to float)",
      function() return modu.column({ math.maxinteger, 1 }):cumsum() end)
  end)

  it("refuses a closed column and a wrong self", function()
    local c = modu.column({ 1, 2 })
    c:close()
    raises("lag: the column is closed", function() return c:lag() end)
    raises("rank: self must be a modu.Column, got number (call it with ':')", function() return x().rank(3) end)
  end)

  it("reports bad window arguments in expressions with a caret", function()
    local df = modu.frame({ { "v", { 1, 2 } } })
    local msg = raises("mutate: rolling_mean: the window must be at least 1 row, got 0",
      function() return df:mutate({ r = "rolling_mean(v, 0)" }) end)
    assert.matches("\n  rolling_mean%(v, 0%)\n  %^$", msg)
  end)
end)
