-- Specs for modu.Column: construction from Lua arrays of every type, element
-- access, casts, NA handling, arithmetic (checked against Lua's own operators),
-- comparisons, boolean algebra, reductions, UTF-8 text and misuse.
local modu = require "modu"
local support = require "spec.support"
local NA = modu.NA
local raises = support.raises_match
local assert_values = support.assert_values

-- ---------------------------------------------------------------------------
-- helpers

local function show(v)
  if math.type(v) == "float" then return string.format("%.17g (float)", v) end
  return tostring(v)
end

-- byte-wise string order, independent of the C library's locale
local function bytecmp(a, b)
  for i = 1, math.min(#a, #b) do
    local x, y = a:byte(i), b:byte(i)
    if x ~= y then return x < y and -1 or 1 end
  end
  return #a < #b and -1 or #a > #b and 1 or 0
end

local D = modu.date

-- ---------------------------------------------------------------------------
describe("modu.column construction", function()
  it("builds an int column from Lua integers", function()
    local c = modu.column { 3, -1, math.maxinteger, math.mininteger }
    assert.are.equal("int", c:type())
    assert_values({ 3, -1, math.maxinteger, math.mininteger }, c)
  end)

  it("builds a float column from Lua floats, keeping NaN, inf and -0.0", function()
    local c = modu.column { 1.5, -0.0, math.huge, -math.huge, 0 / 0 }
    assert.are.equal("float", c:type())
    assert_values({ 1.5, -0.0, math.huge, -math.huge, 0 / 0 }, c)
  end)

  it("builds a str column, keeping bytes, empty strings and NUL", function()
    local c = modu.column { "北京", "", "a\0b", "Modu 模都" }
    assert.are.equal("str", c:type())
    assert_values({ "北京", "", "a\0b", "Modu 模都" }, c)
  end)

  it("builds bool and date columns", function()
    local b = modu.column { true, false, true }
    assert.are.equal("bool", b:type())
    assert_values({ true, false, true }, b)
    local d = modu.column { D "2017-12-29", D(1970, 1, 1) }
    assert.are.equal("date", d:type())
    assert.are.equal(D "2017-12-29", d[1])
    assert.are.equal("1970-01-01", tostring(d[2]))
  end)

  it("makes a column that mixes integers and floats a float column", function()
    local c = modu.column { 1, 2.5, 3 }
    assert.are.equal("float", c:type())
    assert_values({ 1.0, 2.5, 3.0 }, c)
    assert.are.equal("float", math.type(c[1]))
  end)

  it("accepts NA first, in the middle and last, for every type", function()
    local cases = {
      { "int", { NA, 1, NA, 2, NA } },
      { "float", { NA, 1.5, NA, 2.5, NA } },
      { "str", { NA, "a", NA, "b", NA } },
      { "bool", { NA, true, NA, false, NA } },
      { "date", { NA, D "2020-02-29", NA, D "1999-12-31", NA } },
    }
    for _, case in ipairs(cases) do
      local c = modu.column(case[2])
      assert.are.equal(case[1], c:type())
      assert.are.equal(3, c:count_na())
      assert_values(case[2], c, case[1])
      assert.is_true(rawequal(NA, c[1]))
    end
  end)

  it("keeps one NA when the core module is loaded again", function()
    local c = modu.column { 1, NA }
    local saved = package.loaded["modu.core"]
    package.loaded["modu.core"] = nil
    local ok, again = pcall(require, "modu.core")
    package.loaded["modu.core"] = saved
    assert.is_true(ok, again)
    assert.is_true(rawequal(NA, again.NA))
    assert.is_true(rawequal(again.NA, c[2]))
    assert.are.equal(1, again.column({ again.NA, 2 }):count_na())
  end)

  it("makes an all-NA or empty column bool unless a type is given", function()
    assert.are.equal("bool", modu.column({ NA, NA }):type())
    assert.are.equal("bool", modu.column({}):type())
    assert.are.equal(0, #modu.column {})
    local d = modu.column({ NA, NA }, "date")
    assert.are.equal("date", d:type())
    assert.are.equal(2, d:count_na())
    assert.are.equal("str", modu.column({}, "str"):type())
  end)

  it("converts to an explicit type", function()
    local f = modu.column({ 1, 2 }, "float")
    assert.are.equal("float", f:type())
    assert_values({ 1.0, 2.0 }, f)
    local i = modu.column({ "1", "-2", NA }, "int")
    assert.are.equal("int", i:type())
    assert_values({ 1, -2, NA }, i)
    local s = modu.column({ 1, "a" }, "str")
    assert.are.equal("str", s:type())
    assert_values({ "1", "a" }, s)
    local mixed = modu.column({ 1.5, true, D "2017-12-29", NA, "x" }, "str")
    assert_values({ "1.5", "true", "2017-12-29", NA, "x" }, mixed)
    assert_values({ 1, 0 }, modu.column({ true, false }, "int"))
    assert_values({ true, false }, modu.column({ 1, 0 }, "bool"))
    assert_values({ D "1970-01-02" }, modu.column({ 1 }, "date"))
    assert_values({ D "2017-12-29", NA }, modu.column({ "2017-12-29", NA }, "date"))
    assert_values({ 1, 2 }, modu.column({ 1.0, 2.0 }, "int"))
  end)

  it("passes a column through, or casts it when a type is given", function()
    local c = modu.column { 1, 2 }
    assert.are.equal(c, modu.column(c))
    assert_values({ "1", "2" }, modu.column(c, "str"))
  end)

  it("raises on impossible conversions, naming the value and row", function()
    raises("column: cannot convert str 'a' at row 2 to int", modu.column, { "1", "a" }, "int")
    raises("column: cannot convert float '1.5' at row 1 to int %(not a whole number in range%)",
      modu.column, { 1.5 }, "int")
    raises("column: cannot convert str at row 1 to date: bad date 'x'", modu.column, { "x" }, "date")
    raises("column: value 2 is a boolean but value 1 is an integer %(one column holds one type; pass a type such as",
      modu.column, { 1, true }, "int")
  end)

  it("refuses to mix types without an explicit type", function()
    raises("column: value 2 is a string but value 1 is an integer", modu.column, { 1, "a" })
    raises("column: value 3 is a date but value 1 is a boolean", modu.column, { true, NA, D "2017-01-01" })
    raises("column: value 3 is a string but value 1 is a float", modu.column, { 1.5, 2, "a" })
    raises("column: value 2 is a boolean but value 1 is an integer", modu.column, { 1, true, 2.5 })
  end)

  it("raises on holes, tables and other non-values", function()
    raises("column: value 2 is nil %(use modu.NA for a missing value%)", modu.column, { 1, nil, 3 })
    raises("column: value 2 is a table %(columns hold numbers, strings, booleans, dates or modu.NA%)",
      modu.column, { 1, {} })
    raises("column: value 1 is a function", modu.column, { print })
    raises("column: expected an array of values, got number", modu.column, 5)
    raises("column: expected an array of values, got no value", modu.column)
  end)

  it("raises when a proxy array answers differently on the second read", function()
    for _, second in ipairs { "text", 1.5, {}, modu.date "2017-01-01" } do
      local reads = 0
      local proxy = setmetatable({}, {
        __len = function() reads = 0 return 1 end, -- once per modu.column call
        __index = function()
          reads = reads + 1
          if reads == 1 then return 1 end
          return second
        end,
      })
      raises("column: value 1 changed while the array was read %(now %a+", modu.column, proxy)
    end
  end)

  it("raises on a proxy array whose length is negative", function()
    raises("column: the array's length is negative %(%-5%)", modu.column,
      setmetatable({}, { __len = function() return -5 end }))
  end)

  it("reads proxy arrays through __len and __index", function()
    local proxy = setmetatable({}, { __len = function() return 3 end, __index = function(_, k) return k * 10 end })
    assert_values({ 10, 20, 30 }, modu.column(proxy))
  end)

  it("raises on unknown type names", function()
    raises("column: unknown type 'floaty' %(types: int, float, str, bool, date%)", modu.column, { 1 }, "floaty")
    raises("column: type must be a string, got number %(types: int, float, str, bool, date%)",
      modu.column, { 1 }, 5)
  end)
end)

-- ---------------------------------------------------------------------------
describe("column access", function()
  local c = modu.column { 10, NA, 30 }

  it("has a length and a type", function()
    assert.are.equal(3, #c)
    assert.are.equal(3, c:len())
    assert.are.equal("int", c:type())
  end)

  it("indexes rows from 1, gives modu.NA for NA and nil outside", function()
    assert.are.equal(10, c[1])
    assert.is_true(rawequal(NA, c[2]))
    assert.are.equal(30, c[3])
    assert.is_nil(c[0])
    assert.is_nil(c[4])
    assert.is_nil(c[-1])
    assert.is_nil(c[math.mininteger])
    assert.are.equal(10, c[1.0])
  end)

  it("refuses a fractional row index", function()
    raises("index: row index 1.5 is not an integer", function() return c[1.5] end)
  end)

  it("returns nil for an unknown method name", function()
    assert.is_nil(c.no_such_method)
  end)

  it("converts to a Lua table keeping subtypes and NA", function()
    local t = modu.column({ 1, 2.5, NA }):to_table()
    assert.are.equal(3, #t)
    assert.are.equal("float", math.type(t[1]))
    assert.is_true(rawequal(NA, t[3]))
    assert.are.same({}, modu.column({}):to_table())
  end)

  it("prints as one column with its type and NA", function()
    local s = tostring(c)
    assert.matches("<int>", s)
    assert.matches("NA", s)
    assert.matches("3 rows", s)
  end)
end)

-- ---------------------------------------------------------------------------
describe("cast", function()
  local sources = {
    int = { 1, 0, -2, NA },
    float = { 1.0, 0.0, -2.0, NA },
    str = { "1", "0", "-2", NA },
    bool = { true, false, true, NA },
    date = { D "1970-01-02", D "1970-01-01", D "1969-12-30", NA },
  }
  -- want[from][to]: the values, or an error pattern
  local want = {
    int = {
      float = { 1.0, 0.0, -2.0, NA }, str = { "1", "0", "-2", NA },
      bool = { true, false, true, NA }, date = sources.date,
    },
    float = {
      int = { 1, 0, -2, NA }, str = { "1", "0", "-2", NA },
      bool = { true, false, true, NA }, date = sources.date,
    },
    str = {
      int = { 1, 0, -2, NA }, float = { 1.0, 0.0, -2.0, NA },
      bool = "cast: cannot convert str '1' at row 1 to bool",
      date = "cast: cannot convert str at row 1 to date: bad date '1' %(expected YYYY%-MM%-DD%)",
    },
    bool = {
      int = { 1, 0, 1, NA }, float = { 1.0, 0.0, 1.0, NA }, str = { "true", "false", "true", NA },
      date = "cast: cannot convert bool 'true' at row 1 to date",
    },
    date = {
      int = { 1, 0, -2, NA }, float = { 1.0, 0.0, -2.0, NA },
      str = { "1970-01-02", "1970-01-01", "1969-12-30", NA },
      bool = "cast: cannot convert date '1970%-01%-02' at row 1 to bool",
    },
  }
  for from, values in pairs(sources) do
    for to, expect in pairs(want[from]) do
      it(("from %s to %s"):format(from, to), function()
        local c = modu.column(values, from)
        assert.are.equal(from, c:type())
        if type(expect) == "string" then
          raises(expect, c.cast, c, to)
        else
          local r = c:cast(to)
          assert.are.equal(to, r:type())
          assert_values(expect, r, from .. " -> " .. to)
          assert.are.equal(1, r:count_na())
        end
      end)
    end
    it(("from %s to itself keeps the values"):format(from), function()
      local c = modu.column(values, from)
      assert_values(values, c:cast(from))
    end)
  end

  it("keeps fractions and special floats as text", function()
    assert_values({ "1.5", "0.1", "1e+300", "inf", "-inf", "nan" },
      modu.column({ 1.5, 0.1, 1e300, math.huge, -math.huge, 0 / 0 }):cast("str"))
  end)

  it("reads booleans from text in any case", function()
    assert_values({ true, false, true }, modu.column({ "true", "FALSE", "True" }):cast("bool"))
  end)

  it("reads floats from text, including exponents and special values", function()
    local r = modu.column({ "1.5", "-2e3", "inf", "7" }):cast("float")
    assert_values({ 1.5, -2000.0, math.huge, 7.0 }, r)
  end)

  it("refuses text that is not exactly a number", function()
    local bad_int = { "1.5", " 1", "1 ", "", "+", "99999999999999999999", "0x10", "1\0" }
    for _, s in ipairs(bad_int) do
      raises("cast: cannot convert str '.*' at row 2 to int", function()
        return modu.column({ "1", s }):cast("int")
      end)
    end
    local bad_float = { "abc", " 1", "1 ", "\n1", "", "1.5x", "1\0002" }
    for _, s in ipairs(bad_float) do
      raises("cast: cannot convert str '.*' at row 1 to float", function()
        return modu.column({ s }):cast("float")
      end)
    end
  end)

  it("cuts long values in the message at a character boundary", function()
    local msg = raises("cast: cannot convert str 'aéé.*%.%.%.' at row 1 to int", function()
      return modu.column({ "a" .. ("é"):rep(30) }):cast("int")
    end)
    assert.is_truthy(utf8.len(msg))
    assert.is_true(#msg < 120)
  end)

  it("escapes control bytes in the message", function()
    local msg = raises("cast: cannot convert str", function() return modu.column({ "a\1b" }):cast("int") end)
    assert.matches("a\\x01b", msg, 1, true)
  end)

  it("refuses floats that are not whole or out of range as int or date", function()
    raises("cast: cannot convert float '0.5' at row 2 to int %(not a whole number in range%)",
      function() return modu.column({ 1.0, 0.5 }):cast("int") end)
    raises("cast: cannot convert float 'nan' at row 1 to int", function() return modu.column({ 0 / 0 }):cast("int") end)
    raises("cast: cannot convert float 'inf' at row 1 to date",
      function() return modu.column({ math.huge }):cast("date") end)
    raises("cast: cannot convert float '9%.22%d+e%+18' at row 1 to int",
      function() return modu.column({ 2.0 ^ 63 }):cast("int") end)
    assert_values({ math.mininteger }, modu.column({ -2.0 ^ 63 }):cast("int"))
  end)

  it("refuses day counts outside the date range", function()
    raises("cast: cannot convert int '2147483648' at row 1 to date %(days since 1970%-01%-01 out of range%)",
      function() return modu.column({ 1 << 31 }):cast("date") end)
  end)

  it("refuses NaN as a truth value", function()
    raises("cast: cannot convert float 'nan' at row 1 to bool %(NaN is not a truth value%)",
      function() return modu.column({ 0 / 0 }):cast("bool") end)
  end)

  it("raises on unknown or missing type names", function()
    local c = modu.column { 1 }
    raises("cast: unknown type 'number' %(types: int, float, str, bool, date%)", c.cast, c, "number")
    raises("cast: type must be a string, got no value", c.cast, c)
    raises("cast: type must be a string, got number", c.cast, c, 5)
  end)
end)

-- ---------------------------------------------------------------------------
describe("fill_na, is_na and count_na", function()
  it("fills every type with a value of its type", function()
    assert_values({ 1, 0, 3 }, modu.column({ 1, NA, 3 }):fill_na(0))
    assert_values({ 1.5, -1.0 }, modu.column({ 1.5, NA }):fill_na(-1.0))
    assert_values({ "a", "?" }, modu.column({ "a", NA }):fill_na("?"))
    assert_values({ false, true }, modu.column({ NA, true }):fill_na(false))
    local d = modu.column({ NA, D "2017-01-01" }):fill_na(D "2000-01-01")
    assert.are.equal(D "2000-01-01", d[1])
    assert.are.equal(0, d:count_na())
  end)

  it("accepts whole numbers across int and float, and ISO text for dates", function()
    local i = modu.column({ NA, 1 }):fill_na(2.0)
    assert.are.equal("int", i:type())
    assert_values({ 2, 1 }, i)
    local f = modu.column({ NA, 1.5 }):fill_na(2)
    assert.are.equal("float", f:type())
    assert_values({ 2.0, 1.5 }, f)
    local d = modu.column({ NA, D "2017-01-01" }):fill_na("2017-12-29")
    assert.are.equal("2017-12-29", tostring(d[1]))
  end)

  it("leaves the original column alone", function()
    local c = modu.column { NA, 1 }
    local r = c:fill_na(5)
    assert.are.equal(1, c:count_na())
    assert.is_true(rawequal(NA, c[1]))
    assert.are.equal(5, r[1])
  end)

  it("fills nothing when filling with NA or when there is no NA", function()
    local c = modu.column { 1, NA }
    assert.are.equal(1, c:fill_na(NA):count_na())
    assert_values({ 1, 2 }, modu.column({ 1, 2 }):fill_na(9))
  end)

  it("raises on a fill value of another type", function()
    raises("fill_na: a float value cannot fill an int column", function()
      return modu.column({ 1, NA }):fill_na(1.5)
    end)
    raises("fill_na: an int value cannot fill a bool column", function()
      return modu.column({ true, NA }):fill_na(1)
    end)
    raises("fill_na: an int value cannot fill a str column", function()
      return modu.column({ "a", NA }):fill_na(1)
    end)
    raises("fill_na: a str value cannot fill an int column", function()
      return modu.column({ 1, NA }):fill_na("1")
    end)
    raises("fill_na: bad date '2017%-02%-30' %(day 30 out of range for 2017%-02", function()
      return modu.column({ D "2017-01-01", NA }):fill_na("2017-02-30")
    end)
  end)

  it("raises on a missing, non-scalar or invalid fill value", function()
    local c = modu.column { "a", NA }
    raises("fill_na: the fill value must be a single value, got no value", c.fill_na, c)
    raises("fill_na: the fill value must be a single value, got table", c.fill_na, c, {})
    raises("fill_na: invalid UTF%-8 at byte 2", c.fill_na, c, "a\xff")
  end)

  it("reports NA rows as a bool column without NA", function()
    for _, values in ipairs { { 1, NA }, { 1.5, NA }, { "a", NA }, { true, NA }, { D "2017-01-01", NA } } do
      local m = modu.column(values):is_na()
      assert.are.equal("bool", m:type())
      assert_values({ false, true }, m)
      assert.are.equal(0, m:count_na())
    end
  end)

  it("counts NA, also past a 64-row bitmap word", function()
    local t = {}
    for i = 1, 200 do t[i] = (i % 3 == 0) and NA or i end
    local c = modu.column(t)
    assert.are.equal(66, c:count_na())
    assert.are.equal(66, c:is_na():sum())
    assert.are.equal(0, modu.column({ 1, 2 }):count_na())
  end)
end)

-- ---------------------------------------------------------------------------
describe("arithmetic", function()
  local ops = {
    ["+"] = function(a, b) return a + b end,
    ["-"] = function(a, b) return a - b end,
    ["*"] = function(a, b) return a * b end,
    ["/"] = function(a, b) return a / b end,
    ["//"] = function(a, b) return a // b end,
    ["%"] = function(a, b) return a % b end,
    ["^"] = function(a, b) return a ^ b end,
  }
  local op_names = { "+", "-", "*", "/", "//", "%", "^" }

  local INTS = { 0, 1, -1, 2, -2, 3, -3, 7, -7, 13, -13, 1 << 40, math.maxinteger, math.mininteger,
    math.maxinteger - 1, math.mininteger + 1 }
  local FLOATS = { 0.0, -0.0, 0.5, -0.5, 1.5, -1.5, 2.0, -3.25, 7.0, 1e308, -1e308, 5e-324, math.huge,
    -math.huge, 0 / 0, 2.0 ^ 53, 2.0 ^ 63 }

  -- Lua raises on integer // 0 and % 0; those pairs are checked separately
  local function lua_raises(op, y) return (op == "//" or op == "%") and math.type(y) == "integer" and y == 0 end

  -- every pair (x, y) of xs and ys that Lua computes
  local function pairs_for(op, xs, ys)
    local X, Y = {}, {}
    for _, x in ipairs(xs) do
      for _, y in ipairs(ys) do
        if not lua_raises(op, y) then X[#X + 1], Y[#Y + 1] = x, y end
      end
    end
    return X, Y
  end

  local grids = { { "int", INTS, "int", INTS }, { "int", INTS, "float", FLOATS },
    { "float", FLOATS, "int", INTS }, { "float", FLOATS, "float", FLOATS } }

  for _, g in ipairs(grids) do
    local tx, xs, ty, ys = g[1], g[2], g[3], g[4]
    for _, op in ipairs(op_names) do
      it(("%s %s %s matches Lua, column with column"):format(tx, op, ty), function()
        local X, Y = pairs_for(op, xs, ys)
        local cx, cy = modu.column(X, tx), modu.column(Y, ty)
        local r = ops[op](cx, cy)
        local want = {}
        for i = 1, #X do want[i] = ops[op](X[i], Y[i]) end
        assert_values(want, r, tx .. " " .. op .. " " .. ty)
      end)

      it(("%s %s %s matches Lua, column with scalar and scalar with column"):format(tx, op, ty), function()
        local cx = modu.column(xs, tx)
        for _, y in ipairs(ys) do
          if not lua_raises(op, y) then
            local want = {}
            for i, x in ipairs(xs) do want[i] = ops[op](x, y) end
            assert_values(want, ops[op](cx, y), ("column %s %s"):format(op, show(y)))
          end
        end
        local cy = modu.column(ys, ty)
        local cy_safe = modu.column((function()
          local t = {}
          for _, y in ipairs(ys) do if not lua_raises(op, y) then t[#t + 1] = y end end
          return t
        end)(), ty)
        local safe = cy_safe:to_table()
        for _, x in ipairs(xs) do
          local want = {}
          for i, y in ipairs(safe) do want[i] = ops[op](x, y) end
          assert_values(want, ops[op](x, cy_safe), ("%s %s column"):format(show(x), op))
        end
        assert.are.equal(#ys, #cy)
      end)
    end
  end

  it("negates like Lua's unary minus, wrapping mininteger", function()
    assert_values({ -1, 0, math.mininteger, -math.maxinteger, 5 }, -modu.column { 1, 0, math.mininteger,
      math.maxinteger, -5 })
    local f = -modu.column { 0.0, -0.0, 1.5, math.huge, 0 / 0 }
    assert_values({ -0.0, 0.0, -1.5, -math.huge, 0 / 0 }, f)
  end)

  it("gives float for / and ^ even on integers", function()
    assert.are.equal("float", (modu.column { 4 } / 2):type())
    assert.are.equal("float", (modu.column { 2 } ^ 2):type())
    assert.are.equal("int", (modu.column { 7 } // 2):type())
  end)

  it("raises like Lua on integer // 0 and % 0, naming the row", function()
    raises("arith: attempt to divide by zero %(row 1%)", function() return modu.column { 1, 2 } // 0 end)
    raises("arith: attempt to perform 'n%%0' %(row 2%)", function()
      return modu.column { 1, 2 } % modu.column { 3, 0 }
    end)
    raises("attempt to divide by zero %(row 1%)", function() return 5 // modu.column { 0 } end)
  end)

  it("does not raise for a zero divisor in an NA row, nor for float zero", function()
    local r = modu.column { 1, NA, 3 } // modu.column { 1, 0, 1 }
    assert_values({ 1, NA, 3 }, r)
    assert_values({ NA, 0 }, modu.column { NA, 5 } % modu.column { 0, 5 })
    assert_values({ math.huge }, modu.column { 1 } // 0.0)
  end)

  it("propagates NA from either side", function()
    local a, b = modu.column { 1, NA, 3, NA }, modu.column { NA, 2, 3, NA }
    for _, op in ipairs(op_names) do
      local r = ops[op](a, b)
      assert.are.equal(4, #r)
      assert.is_true(rawequal(NA, r[1]))
      assert.is_true(rawequal(NA, r[2]))
      assert.is_false(rawequal(NA, r[3]))
      assert.are.equal(3, r:count_na())
    end
  end)

  it("treats a scalar NA as a whole column of NA of the other side's type", function()
    local r = modu.column { 1, 2 } + NA
    assert.are.equal("int", r:type())
    assert.are.equal(2, r:count_na())
    local f = NA * modu.column { 1.5 }
    assert.are.equal("float", f:type())
    assert.are.equal(1, f:count_na())
  end)

  it("reads a scalar NA beside a date column as unknown days", function()
    local d = modu.column { D "2017-01-01", NA }
    for _, r in ipairs { d + NA, d - NA, NA + d } do
      assert.are.equal("date", r:type())
      assert.are.equal(2, r:count_na())
    end
    assert.are.equal("int", (d - modu.column({ NA, NA }, "date")):type())
  end)

  it("computes NA-free rows correctly past a 64-row bitmap word", function()
    local a, want = {}, {}
    for i = 1, 150 do
      a[i] = i % 7 == 0 and NA or i
      want[i] = i % 7 == 0 and NA or i * 2 + 1
    end
    assert_values(want, modu.column(a) * 2 + 1)
  end)

  it("subtracts dates to days and shifts dates by days", function()
    local a = modu.column { D "2017-12-29", D "2016-02-28", NA }
    local b = modu.column { D "2017-01-01", D "2016-03-01", D "2000-01-01" }
    local diff = a - b
    assert.are.equal("int", diff:type())
    assert_values({ 362, -2, NA }, diff)
    local later = a + 3
    assert.are.equal("date", later:type())
    assert_values({ D "2018-01-01", D "2016-03-02", NA }, later)
    assert_values({ D "2018-01-01", D "2016-03-02", NA }, 3 + a)
    assert_values({ D "2017-12-28", D "2016-02-27", NA }, a - 1)
    assert_values({ D "2017-12-30", D "2016-02-29", NA }, a + modu.column { 1, 1, 1 })
    local jan1 = a - D "2017-01-01"
    assert.are.equal("int", jan1:type())
    assert_values({ 362, D "2016-02-28" - D "2017-01-01", NA }, jan1)
    assert.are.equal(-308, jan1[2])
  end)

  it("combines a date scalar with a column", function()
    local days = modu.column { 0, 1, NA }
    local r = D "2017-12-31" + days
    assert.are.equal("date", r:type())
    assert_values({ D "2017-12-31", D "2018-01-01", NA }, r)
    local back = D "2018-01-01" - modu.column { D "2017-12-31", D "2018-01-01" }
    assert.are.equal("int", back:type())
    assert_values({ 1, 0 }, back)
    assert_values({ D "2017-12-30" }, modu.column { D "2017-12-31" } - 1)
  end)

  it("refuses date arithmetic that has no meaning", function()
    local d = modu.column { D "2017-12-29" }
    raises("arith: cannot apply '%+' to date and date %(dates allow date %- date, date %+/%- int%)",
      function() return d + d end)
    raises("arith: cannot apply '%*' to date and int", function() return d * 2 end)
    raises("arith: cannot apply '%+' to date and float", function() return d + 1.5 end)
    raises("arith: cannot apply '%-' to int and date", function() return 1 - d end)
    raises("arith: cannot apply '%-' to date and date", function() return -d end)
    raises("arith: date out of range at row 1", function() return d + math.maxinteger end)
  end)

  it("refuses arithmetic on text and booleans with a clear message", function()
    local s, b = modu.column { "1" }, modu.column { true }
    raises("arith: cannot apply '%+' to a str operand %(arithmetic needs int or float%)", function() return s + 1 end)
    raises("arith: cannot apply '%*' to a str operand", function() return 2 * s end)
    raises("arith: cannot apply '%-' to a str operand", function() return -s end)
    raises("arith: cannot apply '%+' to a bool operand %(arithmetic needs int or float; "
      .. "cast bool with :cast%(\"int\"%)%)",
      function() return b + 1 end)
    raises("arith: cannot apply '%+' to a str operand", function() return modu.column { 1 } + "1" end)
    raises("arith: cannot apply '%+' to a str operand", function() return "1" + modu.column { 1 } end)
    raises("arith: cannot apply '/' to a bool operand", function() return modu.column { 1 } / true end)
  end)

  it("raises on a length mismatch and on operands that are no value", function()
    raises("arith: length mismatch: 2 vs 3 values",
      function() return modu.column { 1, 2 } + modu.column { 1, 2, 3 } end)
    raises("arith: operand must be a column or a single value, got table", function() return modu.column { 1 } + {} end)
    raises("arith: operand must be a column or a single value, got FILE%*",
      function() return modu.column { 1 } * io.stdout end)
  end)
end)

-- ---------------------------------------------------------------------------
describe("comparisons", function()
  local cmp = {
    eq = function(a, b) return a == b end, ne = function(a, b) return a ~= b end,
    lt = function(a, b) return a < b end, le = function(a, b) return a <= b end,
    gt = function(a, b) return a > b end, ge = function(a, b) return a >= b end,
  }
  local names = { "eq", "ne", "lt", "le", "gt", "ge" }

  local INTS = { math.mininteger, -3, -1, 0, 1, 2, (1 << 53) - 1, 1 << 53, (1 << 53) + 1, math.maxinteger - 1,
    math.maxinteger }
  local FLOATS = { -math.huge, -2.0 ^ 63, -1.5, -1.0, -0.0, 0.0, 0.5, 1.0, 2.0 ^ 53, 2.0 ^ 53 + 2, 2.0 ^ 63,
    math.huge, 0 / 0 }

  for _, g in ipairs { { "int", INTS }, { "float", FLOATS } } do
    local tx, xs = g[1], g[2]
    it(tx .. " columns compare with every number exactly as Lua does", function()
      local c = modu.column(xs, tx)
      for _, ys in ipairs { INTS, FLOATS } do
        for _, y in ipairs(ys) do
          for _, name in ipairs(names) do
            local want = {}
            for i, x in ipairs(xs) do want[i] = cmp[name](x, y) end
            assert_values(want, c[name](c, y), ("%s:%s(%s)"):format(tx, name, show(y)))
          end
        end
      end
    end)

    it(tx .. " columns compare with int and float columns exactly as Lua does", function()
      for _, ys in ipairs { INTS, FLOATS } do
        local X, Y = {}, {}
        for _, x in ipairs(xs) do
          for _, y in ipairs(ys) do X[#X + 1], Y[#Y + 1] = x, y end
        end
        local cx, cy = modu.column(X, tx), modu.column(Y)
        for _, name in ipairs(names) do
          local want = {}
          for i = 1, #X do want[i] = cmp[name](X[i], Y[i]) end
          assert_values(want, cx[name](cx, cy), tx .. ":" .. name)
        end
      end
    end)
  end

  it("tells 2^53+1 (int) from 2^53 (float)", function()
    local c = modu.column { (1 << 53) + 1 }
    assert.is_false(c:eq(2.0 ^ 53)[1])
    assert.is_true(c:gt(2.0 ^ 53)[1])
    assert.is_true(modu.column({ 2.0 ^ 53 }):lt((1 << 53) + 1)[1])
    assert.is_true(modu.column({ math.maxinteger }):lt(2.0 ^ 63)[1])
    assert.is_true(modu.column({ math.mininteger }):eq(-2.0 ^ 63)[1])
  end)

  it("makes NaN unequal to everything, itself included", function()
    local c = modu.column { 0 / 0 }
    assert.is_false(c:eq(0 / 0)[1])
    assert.is_true(c:ne(0 / 0)[1])
    assert.is_false(c:lt(1)[1])
    assert.is_false(c:ge(1)[1])
    assert.is_true(c:ne(c)[1])
  end)

  it("gives NA where either side is NA", function()
    local a = modu.column { 1, NA, 3 }
    for _, name in ipairs(names) do
      local r = a[name](a, modu.column { NA, 2, 3 })
      assert.are.equal("bool", r:type())
      assert.are.equal(2, r:count_na())
      assert.are.equal(cmp[name](3, 3), r[3])
      assert.are.equal(3, a[name](a, NA):count_na())
    end
  end)

  it("orders strings by UTF-8 bytes, against scalars and columns", function()
    local words = { "a", "B", "b", "", "é", "e\u{301}", "z", "北京", "a\0b", "ab", "😀", NA }
    local c = modu.column(words)
    local other = modu.column { "b", "a", "é", "北", "ab", "a\0", "z", "北京", "a", "ab", "", "x" }
    for _, name in ipairs(names) do
      for _, y in ipairs { "b", "", "é", "a\0b", "北京", "\u{10FFFF}" } do
        local r = c[name](c, y)
        for i, x in ipairs(words) do
          if x == NA then
            assert.is_true(rawequal(NA, r[i]))
          else
            local want = cmp[name](bytecmp(x, y), 0)
            assert.are.equal(want, r[i], ("%q %s %q"):format(x, name, y))
          end
        end
      end
      local r = c[name](c, other)
      for i, x in ipairs(words) do
        if x ~= NA then
          local want = cmp[name](bytecmp(x, other[i]), 0)
          assert.are.equal(want, r[i], ("%q %s %q"):format(x, name, other[i]))
        end
      end
    end
  end)

  it("orders strings that share a dictionary by bytes", function()
    local c = modu.column { "z", "é", "a", NA, "ab" }
    local d = c:fill_na("b") -- derived from c: the same string dictionary
    assert_values({ false, false, false, NA, false }, c:lt(d))
    assert_values({ "z", "é", "a", "b", "ab" }, d)
    local rev = modu.random.choice(d, 5, 7)
    local r = d:lt(rev)
    for i = 1, 5 do assert.are.equal(bytecmp(d[i], rev[i]) < 0, r[i]) end
    assert.are.equal("é", d:max())
    assert.are.equal("a", d:min())
  end)

  it("compares dates with dates, date values and ISO text", function()
    local c = modu.column { D "2017-12-29", D "2018-01-01", NA }
    assert_values({ true, false, NA }, c:eq(D "2017-12-29"))
    assert_values({ true, false, NA }, c:eq("2017-12-29"))
    assert_values({ false, true, NA }, c:gt("2017-12-31"))
    assert_values({ true, true, NA }, c:le(modu.column { D "2017-12-29", D "2018-01-02", D "2000-01-01" }))
    raises("lt: bad date '2017%-13%-01' %(month 13 out of range", c.lt, c, "2017-13-01")
  end)

  it("compares booleans", function()
    local c = modu.column { true, false, NA }
    assert_values({ true, false, NA }, c:eq(true))
    assert_values({ false, false, NA }, c:lt(false))
    assert_values({ true, false, NA }, c:gt(false))
  end)

  it("refuses to compare values of unrelated types", function()
    raises("eq: cannot compare int with str", function() return modu.column({ 1 }):eq("1") end)
    raises("lt: cannot compare str with int", function() return modu.column({ "a" }):lt(1) end)
    raises("ge: cannot compare date with int", function() return modu.column({ D "2017-01-01" }):ge(17000) end)
    raises("eq: cannot compare bool with int", function() return modu.column({ true }):eq(1) end)
    raises("ne: cannot compare str with date", function() return modu.column({ "x" }):ne(D "2017-01-01") end)
  end)

  it("raises on missing values, non-values and length mismatches", function()
    local c = modu.column { 1, 2 }
    raises("eq: missing the value to compare with", c.eq, c)
    raises("lt: operand must be a column or a single value, got nil", c.lt, c, nil)
    raises("gt: operand must be a column or a single value, got table", c.gt, c, { 1, 2 })
    raises("le: length mismatch: 2 vs 3 values", c.le, c, modu.column { 1, 2, 3 })
  end)
end)

-- ---------------------------------------------------------------------------
describe("isin and between", function()
  it("finds numbers exactly across int and float", function()
    assert_values({ true, false, true, false }, modu.column({ 1, 2, 3, 4 }):isin { 3, 1.0, 2.5 })
    assert_values({ false }, modu.column({ 2.0 ^ 53 }):isin { (1 << 53) + 1 })
    assert_values({ false }, modu.column({ (1 << 53) + 1 }):isin { 2.0 ^ 53 })
    assert_values({ true, false }, modu.column({ 2.0 ^ 53, 1.5 }):isin { 1 << 53 })
    assert_values({ true, true, false }, modu.column({ -0.0, 1.5, 2.5 }):isin { 0, 1.5 })
    assert_values({ true, false }, modu.column({ 0 / 0, 1.0 }):isin { 0 / 0 })
  end)

  it("matches NA rows only when NA is in the set, as R's %in%", function()
    local c = modu.column { 1, NA, 3 }
    local r = c:isin { 3 }
    assert_values({ false, false, true }, r)
    assert.are.equal(0, r:count_na())
    assert_values({ false, true, true }, c:isin { 3, NA })
    assert_values({ false, true, false }, modu.column({ "a", NA, "c" }):isin { NA })
  end)

  it("finds strings, dates and booleans", function()
    assert_values({ true, false, true, false }, modu.column({ "北京", "深圳", "a", "é" }):isin { "北京", "a", "e\u{301}" })
    local d = modu.column { D "2017-12-29", D "2018-01-01" }
    assert_values({ true, false }, d:isin { "2017-12-29" })
    assert_values({ false, true }, d:isin { D "2018-01-01" })
    assert_values({ true, false }, modu.column({ true, false }):isin { true })
  end)

  it("takes a column as the set", function()
    local c = modu.column { "a", "b", NA }
    assert_values({ false, true, true }, c:isin(modu.column { "b", NA }))
    assert_values({ true, false }, modu.column({ 1, 2 }):isin(modu.column { 1.0 }))
  end)

  it("gives all false for an empty set", function()
    assert_values({ false, false }, modu.column({ 1, NA }):isin {})
  end)

  it("raises on sets of another type or that are no set", function()
    raises("isin: value 1 is str but the column is int", function() return modu.column({ 1 }):isin { "1" } end)
    raises("isin: value 2 is int but the column is str", function() return modu.column({ "1" }):isin { "1", 1 } end)
    raises("isin: expected an array of values or a column, got number",
      function() return modu.column({ 1 }):isin(1) end)
    raises("isin: value 2 is a table, not a single value", function() return modu.column({ 1 }):isin { 1, {} } end)
    raises("isin: bad date 'soon'", function() return modu.column({ D "2017-01-01" }):isin { "soon" } end)
  end)

  it("refuses a set whose length is absurd instead of overflowing", function()
    local huge = setmetatable({}, { __len = function() return 1 << 62 end })
    raises("isin: value 1 is nil %(use modu.NA for a missing value%)", function()
      return modu.column({ "a" }):isin(huge)
    end)
    raises("isin: value 2 is nil", function() return modu.column({ 1 }):isin { 1, nil, 3 } end)
  end)

  it("survives a set whose metamethods collect garbage and close the column", function()
    local a, b = ("a"):rep(50), ("b"):rep(50) -- long strings: each rep is a new object
    local c = modu.column { a, b, NA }
    local proxy = setmetatable({}, {
      __len = function() return 2 end,
      __index = function(_, k)
        c:close()
        collectgarbage()
        return (k == 1 and "a" or "b"):rep(50)
      end,
    })
    local r = c:isin(proxy)
    assert_values({ true, true, false }, r)
    raises("len: the column is closed", function() return #c end)
  end)

  it("tests between inclusively with NA bounds giving NA", function()
    local c = modu.column { 1, 2, 3, 4, NA }
    assert_values({ false, true, true, false, NA }, c:between(2, 3))
    assert_values({ false, true, true, true, NA }, c:between(1.5, 4))
    assert_values({ false, false, false, false, NA }, c:between(3, 2))
    local r = c:between(NA, 3)
    assert_values({ NA, NA, NA, false, NA }, r)
    assert_values({ true, false, NA }, modu.column({ "b", "d", NA }):between("a", "c"))
    assert_values({ true, false }, modu.column({ D "2017-06-01", D "2018-06-01" }):between("2017-01-01", "2017-12-31"))
    assert_values({ true, false, true }, modu.column({ 1, 5, 3 }):between(modu.column { 0, 6, 3 }, 3))
  end)

  it("raises when between gets bad bounds", function()
    local c = modu.column { 1 }
    raises("between: operand must be a column or a single value, got no value", c.between, c, 1)
    raises("between: cannot compare int with str", c.between, c, "a", "b")
    raises("between: length mismatch: 1 vs 2 values", c.between, c, modu.column { 1, 2 }, 3)
  end)
end)

-- ---------------------------------------------------------------------------
describe("boolean algebra", function()
  -- every pair of (true, false, NA) on each side
  local A = modu.column { true, true, true, false, false, false, NA, NA, NA }
  local B = modu.column { true, false, NA, true, false, NA, true, false, NA }

  it("band follows Kleene logic: NA and false is false", function()
    assert_values({ true, false, NA, false, false, false, NA, false, NA }, A:band(B))
  end)

  it("bor follows Kleene logic: NA or true is true", function()
    assert_values({ true, true, true, true, false, NA, true, NA, NA }, A:bor(B))
  end)

  it("bnot flips values and keeps NA", function()
    assert_values({ false, false, false, true, true, true, NA, NA, NA }, A:bnot())
  end)

  it("broadcasts a scalar, NA included", function()
    assert_values({ false, false, false, false, false, false, false, false, false }, A:band(false))
    assert_values({ true, true, true, true, true, true, true, true, true }, A:bor(true))
    assert_values({ NA, NA, NA, false, false, false, NA, NA, NA }, A:band(NA))
    assert_values({ true, true, true, NA, NA, NA, NA, NA, NA }, A:bor(NA))
  end)

  it("refuses non-bool operands", function()
    raises("band: band needs bool operands, got int",
      function() return A:band(modu.column { 1, 1, 1, 1, 1, 1, 1, 1, 1 }) end)
    raises("bor: bor needs bool operands, got str", function() return A:bor("x") end)
    raises("bnot: bnot needs a bool column, got int", function() return modu.column({ 1 }):bnot() end)
    raises("band: band needs bool operands, got float", function() return modu.column({ 1.5 }):band(true) end)
    raises("band: length mismatch: 9 vs 1 values", function() return A:band(modu.column { true }) end)
  end)

  it("any, all and sum skip NA", function()
    local c = modu.column { true, NA, false }
    assert.is_true(c:any())
    assert.is_false(c:all())
    assert.are.equal(1, c:sum())
    assert.are.equal("integer", math.type(c:sum()))
    assert.is_true(modu.column({ true, NA }):all())
    assert.is_false(modu.column({ false, NA }):any())
    assert.is_true(modu.column({}, "bool"):all())
    assert.is_false(modu.column({}, "bool"):any())
    assert.are.equal(0.5, modu.column({ true, false, NA }):mean())
  end)

  it("any and all refuse other types", function()
    raises("any: any needs a bool column, got int", function() return modu.column({ 1 }):any() end)
    raises("all: all needs a bool column, got str", function() return modu.column({ "a" }):all() end)
  end)
end)

-- ---------------------------------------------------------------------------
describe("reductions", function()
  it("sum, mean, min and max of ints skip NA", function()
    local c = modu.column { 4, NA, -2, 10 }
    assert.are.equal(12, c:sum())
    assert.are.equal("integer", math.type(c:sum()))
    assert.are.equal(4.0, c:mean())
    assert.are.equal(-2, c:min())
    assert.are.equal(10, c:max())
    assert.are.equal("integer", math.type(c:max()))
  end)

  it("sum, mean, min and max of floats skip NA, and NaN wins min and max", function()
    local c = modu.column { 1.5, NA, -2.5 }
    assert.are.equal(-1.0, c:sum())
    assert.are.equal(-0.5, c:mean())
    assert.are.equal(-2.5, c:min())
    assert.are.equal(1.5, c:max())
    local n = modu.column { 1.0, 0 / 0, 3.0 }
    assert.is_true(n:max() ~= n:max())
    assert.is_true(n:min() ~= n:min())
    local first_nan = modu.column({ 0 / 0, 1.0 }):max()
    assert.is_true(first_nan ~= first_nan)
  end)

  it("sums floats with compensation", function()
    assert.are.equal(2.0, modu.column({ 1e100, 1.0, -1e100, 1.0 }):sum())
    local t = {}
    for i = 1, 1000 do t[i] = 0.1 end
    assert.are.equal(100.0, modu.column(t):sum())
  end)

  it("sums and averages infinities and NaN as IEEE arithmetic does", function()
    assert.are.equal(math.huge, modu.column({ 1.0, math.huge }):sum())
    assert.are.equal(math.huge, modu.column({ 1.0, math.huge, NA }):mean())
    assert.are.equal(-math.huge, modu.column({ -math.huge, 1.0 }):sum())
    assert.are.equal(math.huge, modu.column({ 1e308, 1e308 }):sum())
    local nan = modu.column({ math.huge, -math.huge }):sum()
    assert.is_true(nan ~= nan)
    nan = modu.column({ 0 / 0, 1.0 }):mean()
    assert.is_true(nan ~= nan)
  end)

  it("raises instead of wrapping when an int sum overflows", function()
    raises("sum: sum overflows int64 at row 2 %(cast the column to float%)",
      function() return modu.column({ math.maxinteger, 1 }):sum() end)
    assert.are.equal(2.0 ^ 63, modu.column({ math.maxinteger, 1 }):cast("float"):sum())
  end)

  it("min and max of strings follow UTF-8 byte order", function()
    local c = modu.column { "b", "é", NA, "Z", "北京", "a" }
    assert.are.equal("Z", c:min())
    assert.are.equal("北京", c:max())
  end)

  it("min and max of dates and bools", function()
    local d = modu.column { D "2017-12-29", NA, D "1999-01-01" }
    assert.are.equal(D "1999-01-01", d:min())
    assert.are.equal(D "2017-12-29", d:max())
    assert.are.equal("2017-12-29", tostring(d:max()))
    local b = modu.column { true, NA, false }
    assert.is_false(b:min())
    assert.is_true(b:max())
  end)

  it("gives 0 for the sum and NA otherwise when nothing is left", function()
    for _, t in ipairs { "int", "float" } do
      local c = modu.column({ NA, NA }, t)
      assert.are.equal(0, c:sum())
      assert.is_true(rawequal(NA, c:mean()))
      assert.is_true(rawequal(NA, c:min()))
      assert.is_true(rawequal(NA, c:max()))
    end
    assert.is_true(rawequal(NA, modu.column({}, "str"):min()))
    assert.is_true(rawequal(NA, modu.column({ NA }, "date"):max()))
  end)

  it("refuses sums and means of text and dates", function()
    raises("sum: sum needs an int, float or bool column, got str", function() return modu.column({ "a" }):sum() end)
    raises("mean: mean needs an int, float or bool column, got date",
      function() return modu.column({ D "2017-01-01" }):mean() end)
    raises("sum: sum needs an int, float or bool column, got date",
      function() return modu.column({ D "2017-01-01" }):sum() end)
  end)
end)

-- ---------------------------------------------------------------------------
describe("str columns", function()
  it("raise on invalid UTF-8, naming the row and the byte", function()
    local bad = {
      { "a\xffb", 2 }, { "\x80", 1 }, { "ok\xC0\xAF", 3 }, { "\xED\xA0\x80", 1 }, { "\xF4\x90\x80\x80", 1 },
      { "x\xE4\xB8", 2 }, { "\xF5\x80\x80\x80", 1 }, { "\xE0\x80\x80", 1 }, { "abcdefghij\xFE", 11 },
    }
    for _, case in ipairs(bad) do
      raises(("column: invalid UTF%%-8 in row 2 at byte %d %%(strings must be valid UTF%%-8%%)"):format(case[2]),
        modu.column, { "fine", case[1] })
    end
  end)

  it("raise on invalid UTF-8 also when converting mixed values to text", function()
    raises("column: invalid UTF%-8 in row 2 at byte 1", modu.column, { 1, "\xff" }, "str")
  end)

  it("accept every valid sequence length", function()
    local c = modu.column { "A", "é", "北", "😀", "\u{10FFFF}", "\u{7FF}\u{800}\u{FFFF}\u{10000}" }
    assert.are.equal(6, #c)
    assert.are.equal("😀", c[4])
  end)

  it("store strings as given, without normalization", function()
    local composed, decomposed = "\u{E9}", "e\u{301}"
    local c = modu.column { composed, decomposed }
    assert.are.equal(composed, c[1])
    assert.are.equal(decomposed, c[2])
    assert.are.equal(2, #c[1])
    assert.are.equal(3, #c[2])
    assert.is_false(c:eq(composed)[2])
    assert_values({ true, false }, c:isin { composed })
  end)

  it("keep many repeats right through the dictionary", function()
    local words = { "北京", "深圳", "上海" }
    local t = {}
    for i = 1, 30000 do t[i] = words[i % 3 + 1] end
    local c = modu.column(t)
    assert.are.equal(30000, #c)
    assert.are.equal(10000, c:eq("深圳"):sum())
    assert.are.equal(20000, c:isin({ "北京", "上海" }):sum())
    assert.are.equal("深圳", c[1])
    assert.are.equal("上海", c[2])
    assert.are.equal("北京", c[3])
    assert.are.equal("深圳", c[29998])
    local again = modu.column(c:to_table())
    assert.are.equal(30000, again:eq(c):sum())
  end)

  it("keep many distinct strings apart", function()
    local t = {}
    for i = 1, 5000 do t[i] = "s" .. i end
    local c = modu.column(t)
    for _, i in ipairs { 1, 64, 65, 2500, 5000 } do assert.are.equal("s" .. i, c[i]) end
    assert_values({ true, false }, modu.column({ "s4999", "s5001" }):isin(c))
    assert.are.equal("s999", c:max())
  end)

  it("compare columns with different dictionaries by content", function()
    local a = modu.column { "x", "y", "z" }
    local b = modu.column { "z", "y", "x" }
    assert_values({ false, true, false }, a:eq(b))
    assert_values({ true, false, false }, a:lt(b))
  end)
end)

-- ---------------------------------------------------------------------------
describe("misuse", function()
  it("raises when self is not a column", function()
    local df = modu.frame { a = { 1, 2 } }
    raises("sum: self must be a modu.Column, got modu.Frame %(call it with ':'%)", modu.Column.sum, df)
    raises("sum: self must be a modu.Column, got FILE%*", modu.Column.sum, io.stdout)
    raises("sum: self must be a modu.Column, got number", modu.Column.sum, 42)
    raises("type: self must be a modu.Column, got no value", modu.Column.type)
    raises("eq: self must be a modu.Column, got string", modu.Column.eq, "a", 1)
    raises("to_table: self must be a modu.Column, got modu.Date", modu.Column.to_table, D "2017-01-01")
    raises("year: self must be a modu.Column, got modu.NA", modu.Column.year, NA)
    raises("close: self must be a modu.Column, got number", modu.Column.close, 42)
  end)

  it("raises 'the column is closed' after close, and close is idempotent", function()
    local c = modu.column { 1, 2 }
    c:close()
    c:close()
    raises("sum: the column is closed", c.sum, c)
    raises("len: the column is closed", function() return #c end)
    raises("index: the column is closed", function() return c[1] end)
    raises("arith: the column is closed", function() return c + 1 end)
    raises("arith: the column is closed", function() return 1 - c end)
    raises("tostring: the column is closed", tostring, c)
    raises("cast: the column is closed", c.cast, c, "str")
    local open = modu.column { 1, 2 }
    raises("eq: the column is closed", open.eq, open, c)
    raises("column: the column is closed", modu.column, c)
    raises("isin: the column is closed", open.isin, open, c)
  end)

  it("never crashes on any method with any self and arguments, and names the method", function()
    local closed = modu.column { 1 }
    closed:close()
    local function selves()
      return { modu.column { 1, NA }, modu.column { 1.5, NA }, modu.column { "a", NA }, modu.column { true, NA },
        modu.column { D "2017-01-01", NA }, modu.column({}, "int"), closed, modu.frame { a = { 1 } }, io.stdout,
        42, nil, NA, D "2017-01-01", "s", {} }
    end
    local args = { nil, 1, 1.5, 0, -1, "x", "int", "2017-01-01", true, {}, { 1, 2 }, NA, D "2017-01-01",
      modu.column { 1, 2 }, modu.column { 1 }, closed, io.stdout, print, math.huge, 0 / 0, math.mininteger }
    local names = {}
    for k in pairs(modu.Column) do names[#names + 1] = k end
    table.sort(names)
    assert.is_true(#names >= 28)
    local calls, unnamed = 0, {}
    for _, name in ipairs(names) do
      for si = 1, 15 do
        for ai = 0, #args do
          for bi = 0, 3 do
            local ok, err = pcall(modu.Column[name], selves()[si], args[ai], args[bi])
            calls = calls + 1
            if not ok and not (type(err) == "string" and (err:find("^" .. name .. ": ") or err:find "^arith: ")) then
              unnamed[#unnamed + 1] = ("%s(self %d, %d, %d): %s"):format(name, si, ai, bi, tostring(err))
            end
          end
        end
      end
    end
    local mt = getmetatable(modu.column { 1 })
    for _, ev in ipairs { "__add", "__sub", "__mul", "__div", "__idiv", "__mod", "__pow", "__unm", "__len",
      "__index", "__tostring", "__close", "__gc" } do
      for si = 1, 15 do
        for ai = 0, #args do
          local ok, err = pcall(mt[ev], selves()[si], args[ai])
          calls = calls + 1
          if not ok and type(err) ~= "string" then unnamed[#unnamed + 1] = ev .. ": " .. tostring(err) end
        end
      end
    end
    collectgarbage()
    assert.are.same({}, unnamed)
    assert.is_true(calls > 30000)
  end)

  it("closes at the end of a <close> scope", function()
    local kept
    do
      local c <close> = modu.column { 1 }
      kept = c
      assert.are.equal(1, #c)
    end
    raises("len: the column is closed", function() return #kept end)
  end)

  it("keeps derived columns alive after the source is closed", function()
    local c = modu.column { "a", NA, "b" }
    local d = c:fill_na("z")
    local e = c:cast("str")
    c:close()
    assert_values({ "a", "z", "b" }, d)
    assert_values({ "a", NA, "b" }, e)
  end)
end)
