-- Specs for the column generators: modu.range (a numeric for loop as a
-- column), modu.rep, and the seeded random streams, whose first values are
-- pinned to numbers computed by an independent implementation of the same
-- algorithms (splitmix64 seeding, xoshiro256**, Lemire ranges, polar normals).
local modu = require "modu"
local support = require "spec.support"
local NA = modu.NA
local R = modu.random
local raises = support.raises_match
local assert_values = support.assert_values

-- the values a numeric for loop visits (at most `cap` of them)
local function for_loop(a, b, s, cap)
  local t = {}
  for v = a, b, s or 1 do
    t[#t + 1] = v
    if #t >= (cap or 1000) then break end
  end
  return t
end

-- every value of column c in [lo, hi]
local function within(c, lo, hi)
  return c:ge(lo):band(c:le(hi)):all()
end

-- ---------------------------------------------------------------------------
describe("modu.range", function()
  it("counts integers inclusively, like a numeric for loop", function()
    local c = modu.range(1, 5)
    assert.are.equal("int", c:type())
    assert_values({ 1, 2, 3, 4, 5 }, c)
    assert_values({ 1, 4, 7, 10 }, modu.range(1, 10, 3))
    assert_values({ 5, 4, 3, 2, 1 }, modu.range(5, 1, -1))
    assert_values({ 0, -4, -8 }, modu.range(0, -10, -4))
    assert_values({ 7 }, modu.range(7, 7))
  end)

  it("matches the for loop over a grid of starts, ends and steps", function()
    for _, a in ipairs { -7, -1, 0, 3, 10 } do
      for _, b in ipairs { -8, -1, 0, 2, 3, 11 } do
        for _, s in ipairs { 1, 2, 3, 5, -1, -2, -4 } do
          assert_values(for_loop(a, b, s), modu.range(a, b, s), ("range(%d, %d, %d)"):format(a, b, s))
        end
      end
    end
  end)

  it("is empty when the end lies behind the start", function()
    local c = modu.range(5, 1)
    assert.are.equal(0, #c)
    assert.are.equal("int", c:type())
    assert.are.equal(0, #modu.range(1, 5, -1))
  end)

  it("reaches the ends of the integers without overflowing", function()
    local max, min = math.maxinteger, math.mininteger
    assert_values({ max - 2, max - 1, max }, modu.range(max - 2, max))
    assert_values({ min, min + 1, min + 2 }, modu.range(min, min + 2))
    assert_values({ max, max - 2, max - 4 }, modu.range(max, max - 4, -2))
    assert_values({ 0, max }, modu.range(0, max, max))
    assert_values(for_loop(min, max, 1 << 62), modu.range(min, max, 1 << 62))
    assert_values({ max }, modu.range(max, max, max))
    assert.are.equal(0, #modu.range(min, max, -min)) -- -min wraps to min: a negative step
  end)

  it("keeps integers with a float end, as the for loop does", function()
    local c = modu.range(1, 3.5)
    assert.are.equal("int", c:type())
    assert_values(for_loop(1, 3.5), c)
    assert_values(for_loop(3, 0.5, -1), modu.range(3, 0.5, -1))
    assert_values(for_loop(1, -2.5), modu.range(1, -2.5))
    assert.are.equal(0, #modu.range(1, -math.huge))
    assert.are.equal(0, #modu.range(1, 0 / 0))
    assert.are.equal(0, #modu.range(1, math.huge, -1))
    assert_values({ math.maxinteger - 1, math.maxinteger }, modu.range(math.maxinteger - 1, 2.0 ^ 70))
  end)

  it("counts in floats when the start or the step is a float", function()
    local c = modu.range(1.0, 3)
    assert.are.equal("float", c:type())
    assert_values({ 1.0, 2.0, 3.0 }, c)
    assert_values({ 1.0, 1.5, 2.0 }, modu.range(1, 2, 0.5))
    assert_values({ 1.0, 0.75, 0.5, 0.25, 0.0 }, modu.range(1, 0, -0.25))
    assert.are.equal(0, #modu.range(1, 0, 0.1))
    assert.are.equal(0, #modu.range(0, 1, -0.1))
  end)

  it("gives range(0, 1, 0.1) its 11 values, each computed as a + k * step", function()
    local c = modu.range(0, 1, 0.1)
    assert.are.equal(11, #c)
    for k = 0, 10 do assert.are.equal(0 + k * 0.1, c[k + 1]) end
    assert.are.equal(1.0, c[11])
    -- 0.3 / 0.1 is 2.9999999999999996 in doubles; R's seq and modu still count 4
    assert.are.equal(4, #modu.range(0, 0.3, 0.1))
    assert.are.equal(101, #modu.range(0, 10, 0.1))
    assert.are.equal(3, #modu.range(0.1, 0.3, 0.1))
  end)

  it("refuses a zero step, non-numbers and infinite float ranges", function()
    raises("range: step must not be 0", modu.range, 1, 10, 0)
    raises("range: step must not be 0", modu.range, 0, 1, 0.0)
    raises("range: a and b must be numbers, got string and number", modu.range, "1", 3)
    raises("range: a and b must be numbers, got number and no value", modu.range, 1)
    raises("range: a and b must be numbers, got table and number", modu.range, {}, 3)
    raises("range: step must be a number, got string", modu.range, 1, 2, "x")
    raises("range: a, b and step must be finite", modu.range, 0, math.huge, 0.5)
    raises("range: a, b and step must be finite", modu.range, 0.0, 0 / 0)
  end)

  it("refuses ranges too long to hold instead of wrapping around", function()
    raises("range: %d+ values are too many", modu.range, math.mininteger, math.maxinteger)
    raises("range: %d+ values are too many", modu.range, 1, math.huge)
    raises("range: %d+ values are too many", modu.range, 0.0, 1e300, 1.0)
  end)
end)

-- ---------------------------------------------------------------------------
describe("modu.rep", function()
  it("repeats a value of every type", function()
    local cases = {
      { 7, "int" }, { 1.5, "float" }, { "北京", "str" }, { true, "bool" }, { modu.date "2017-12-29", "date" },
    }
    for _, case in ipairs(cases) do
      local c = modu.rep(case[1], 3)
      assert.are.equal(case[2], c:type())
      assert_values({ case[1], case[1], case[1] }, c, case[2])
      assert.are.equal(0, c:count_na())
    end
  end)

  it("repeats NA as an all-NA bool column", function()
    local c = modu.rep(NA, 4)
    assert.are.equal("bool", c:type())
    assert.are.equal(4, c:count_na())
  end)

  it("makes empty columns of the value's type", function()
    assert.are.equal(0, #modu.rep("x", 0))
    assert.are.equal("str", modu.rep("x", 0):type())
    assert.are.equal(0, #modu.rep(NA, 0))
  end)

  it("fills long columns exactly", function()
    local c = modu.rep(3, 100003)
    assert.are.equal(100003, #c)
    assert.are.equal(300009, c:sum())
    assert.are.equal(3, c[100003])
    assert.are.equal(100003, modu.rep("模都", 100003):eq("模都"):sum())
  end)

  it("refuses bad counts and values", function()
    raises("rep: n must be a non%-negative integer, got a negative number", modu.rep, 1, -1)
    raises("rep: n must be a non%-negative integer, got number", modu.rep, 1, 1.5)
    raises("rep: n must be a non%-negative integer, got no value", modu.rep, 1)
    raises("rep: n must be a non%-negative integer, got string", modu.rep, 1, "3")
    raises("rep: n must be a non%-negative integer, got nil", modu.rep, 1, nil)
    raises("rep: value must be a number, string, boolean, date or modu.NA, got table", modu.rep, {}, 2)
    raises("rep: value must be a number, string, boolean, date or modu.NA, got nil", modu.rep, nil, 2)
    raises("rep: invalid UTF%-8 at byte 3", modu.rep, "ab\xff", 2)
    raises("rep: n = %d+ is too many values", modu.rep, 1, math.maxinteger)
  end)
end)

-- ---------------------------------------------------------------------------
describe("modu.random", function()
  -- Reference values from spec/rng_model.py, an independent arbitrary-precision
  -- model of csrc/core/random.c (splitmix64 -> xoshiro256**; (x >> 11) * 2^-53;
  -- Lemire's multiply-and-reject; Marsaglia's polar method keeping the first of
  -- each pair, with the same log). `python3 spec/rng_model.py` prints them.
  it("integers(5, 1, 100, 1) is the same stream on every platform", function()
    assert_values({ 71, 53, 58, 40, 70 }, R.integers(5, 1, 100, 1))
    assert_values({ -3, -1, 1, 3, 3 }, R.integers(5, -3, 3, 42))
    assert_values({ 4, 5, 4 }, R.integers(3, 1, 6, -1))
    assert_values({ 3743247123249303749, 376989097743764714, 1367008882666915092 },
      R.integers(3, math.mininteger, math.maxinteger, 1))
  end)

  it("uniform(n, lo, hi, 1) is the same stream on every platform", function()
    assert_values({ 0.7029218331588505, 0.5204366199388569, 0.5741057000197225 }, R.uniform(3, 0, 1, 1))
    assert_values({ 2.0292183315885044, 0.20436619938856904, 0.741057000197225 }, R.uniform(3, -5, 5, 1))
  end)

  it("normal(n, mean, sd, 1) is the same stream on every platform", function()
    assert_values({ 1.884396104787977, 1.302090250702661, 0.43832091511541 }, R.normal(3, 0, 1, 1))
    assert_values({ 13.768792209575954, 12.604180501405322, 10.87664183023082 }, R.normal(3, 10, 2, 1))
  end)

  it("choice(values, n, 1) is the same stream on every platform", function()
    assert_values({ "c", "c", "c", "b", "c", "a" }, R.choice({ "a", "b", "c", "d" }, 6, 1))
  end)

  it("uses the documented default seed when none is given", function()
    assert.are.equal(20171229, R.default_seed)
    assert_values({ 55, 10, 70 }, R.integers(3, 1, 100))
    assert_values(R.uniform(5, 0, 1, R.default_seed):to_table(), R.uniform(5))
    assert_values(R.normal(5, 0, 1, R.default_seed):to_table(), R.normal(5))
    assert_values(R.uniform(5, 0, 1, R.default_seed):to_table(), R.uniform(5, nil, nil, nil))
  end)

  it("gives identical columns for the same seed and different ones otherwise", function()
    local gens = {
      function(seed) return R.uniform(50, 0, 1, seed) end,
      function(seed) return R.normal(50, 0, 1, seed) end,
      function(seed) return R.integers(50, 0, 1000000, seed) end,
      function(seed) return R.choice(modu.range(1, 1000), 50, seed) end,
    }
    for _, g in ipairs(gens) do
      assert.is_true(g(7):eq(g(7)):all())
      assert.is_false(g(7):eq(g(8)):all())
      assert.is_true(g(7):ne(g(8)):sum() > 40)
      assert.is_false(g(0):eq(g(-1)):all())
    end
  end)

  it("keeps uniform draws within [lo, hi)", function()
    local c = R.uniform(20000, -2, 3, 5)
    assert.are.equal("float", c:type())
    assert.is_true(c:min() >= -2)
    assert.is_true(c:max() < 3)
    assert.is_true(c:min() < -1.99 and c:max() > 2.99)
    assert.is_true(math.abs(c:mean() - 0.5) < 0.03)
    assert_values({ 2.0, 2.0 }, R.uniform(2, 2, 2, 1))
  end)

  it("keeps integer draws within [lo, hi], reaching both ends evenly", function()
    local c = R.integers(60000, 1, 6, 11)
    assert.are.equal("int", c:type())
    assert.is_true(within(c, 1, 6))
    for v = 1, 6 do
      local n = c:eq(v):sum()
      assert.is_true(math.abs(n - 10000) < 400, ("%d drawn %d times"):format(v, n))
    end
    assert_values({ 5, 5, 5 }, R.integers(3, 5, 5, 1))
    local wide = R.integers(1000, math.mininteger, math.maxinteger, 3)
    assert.is_true(wide:lt(0):sum() > 400 and wide:gt(0):sum() > 400)
  end)

  it("draws normals with the requested mean and spread", function()
    local c = R.normal(50000, 3, 2, 17)
    local mean = c:mean()
    local sd = math.sqrt(((c - mean) ^ 2):sum() / (#c - 1))
    assert.is_true(math.abs(mean - 3) < 0.05, "mean " .. mean)
    assert.is_true(math.abs(sd - 2) < 0.05, "sd " .. sd)
    assert.is_true(c:lt(3):sum() > 24000 and c:lt(3):sum() < 26000)
    assert_values({ 4.0, 4.0 }, R.normal(2, 4, 0, 9))
  end)

  it("makes empty columns for n = 0", function()
    assert.are.equal(0, #R.uniform(0))
    assert.are.equal("float", R.normal(0):type())
    assert.are.equal("int", R.integers(0, 1, 2):type())
    assert.are.equal(0, #R.choice({}, 0))
  end)

  it("chooses only among the values, keeping their type and NA", function()
    local c = R.choice({ "北京", "深圳", NA }, 3000, 2)
    assert.are.equal("str", c:type())
    assert.is_true(c:isin({ "北京", "深圳", NA }):all())
    assert.is_true(c:count_na() > 800 and c:count_na() < 1200)
    local d = R.choice(modu.column { modu.date "2017-12-29", modu.date "2018-01-01" }, 10, 3)
    assert.are.equal("date", d:type())
    assert.is_true(d:isin({ "2017-12-29", "2018-01-01" }):all())
    assert.is_true(within(R.choice(modu.range(10, 20), 500, 4), 10, 20))
  end)

  it("refuses bad counts, bounds and seeds", function()
    raises("random.uniform: n must be a non%-negative integer, got a negative number", R.uniform, -1)
    raises("random.uniform: n must be a non%-negative integer, got no value", R.uniform)
    raises("random.normal: n must be a non%-negative integer, got number", R.normal, 2.5)
    raises("random.uniform: lo %(1%) must not exceed hi %(0%)", R.uniform, 3, 1, 0)
    raises("random.uniform: hi must be finite", R.uniform, 3, 0, math.huge)
    raises("random.uniform: lo must be finite", R.uniform, 3, 0 / 0, 1)
    raises("random.uniform: lo must be a number, got string", R.uniform, 3, "0", 1)
    raises("random.uniform: hi %- lo must be finite", R.uniform, 3, -1e308, 1e308)
    raises("random.normal: sd must not be negative, got %-1", R.normal, 3, 0, -1)
    raises("random.normal: sd must be finite", R.normal, 3, 0, 0 / 0)
    raises("random.normal: mean must be a number, got table", R.normal, 3, {})
    raises("random.integers: lo and hi must be integers, got number and number", R.integers, 3, 1.5, 2)
    raises("random.integers: lo and hi must be integers, got no value and no value", R.integers, 3)
    raises("random.integers: lo %(5%) must not exceed hi %(1%)", R.integers, 3, 5, 1)
    raises("random.uniform: seed must be an integer, got number", R.uniform, 3, 0, 1, 1.5)
    raises("random.integers: seed must be an integer, got string", R.integers, 3, 1, 2, "1")
    raises("random.uniform: n = %d+ is too many values", R.uniform, 1 << 62)
  end)

  it("refuses bad choices without crashing", function()
    raises("random.choice: cannot draw from no values", R.choice, {}, 3)
    raises("random.choice: values must be a column or an array, got number", R.choice, 5, 2)
    raises("random.choice: value 2 is a string but value 1 is an integer", R.choice, { 1, "a" }, 2)
    raises("random.choice: n must be a non%-negative integer, got no value", R.choice, { 1 })
    raises("random.choice: n = %d+ is too many values", R.choice, { 1, 2 }, 1 << 62)
    raises("random.choice: n = %d+ is too many values", R.choice, { 1, 2 }, math.maxinteger)
    local closed = modu.column { 1, 2 }
    closed:close()
    raises("random.choice: the column is closed", R.choice, closed, 2)
  end)

  it("never crash on any mix of arguments, and always name the function", function()
    local closed = modu.column { 1 }
    closed:close()
    local fns = { range = modu.range, rep = modu.rep, date = modu.date, column = modu.column,
      ["random.uniform"] = R.uniform, ["random.normal"] = R.normal, ["random.integers"] = R.integers,
      ["random.choice"] = R.choice }
    local vals = { nil, 1, 3, 1.5, -1, 0, "x", "2017-01-01", true, {}, { 1, 2 }, NA, modu.date "2017-01-01",
      modu.column { 1, 2 }, closed, io.stdout, 0 / 0, math.huge, math.mininteger, math.maxinteger }
    local calls, unnamed = 0, {}
    for name, f in pairs(fns) do
      local prefix = "^" .. name:gsub("%.", "%%.") .. ": "
      for a = 0, #vals do
        for b = 0, #vals do
          for c = 0, #vals, 2 do
            local ok, err = pcall(f, vals[a], vals[b], vals[c], vals[c])
            calls = calls + 1
            if not ok and not (type(err) == "string" and err:find(prefix)) then
              unnamed[#unnamed + 1] = ("%s(%d, %d, %d): %s"):format(name, a, b, c, tostring(err))
            end
          end
        end
      end
    end
    assert.are.same({}, unnamed)
    assert.is_true(calls > 30000)
  end)
end)
