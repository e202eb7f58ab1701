-- Joins: inner / left / right / full / semi / anti, the three forms of `on`,
-- suffixes, validate, NA keys, int/float and text keys, row order, empty and
-- one-row frames, and the errors.
local modu = require "modu"
local support = require "spec.support"

local NA = modu.NA
local D = modu.date
local raises = support.raises
local col_is = support.col_is

-- left: k = 1, 2, NA, 3, 2 (int); right: k = 2.0, NA, 4.0, 1.0 (float)
local function left()
  return modu.frame({ { "k", { 1, 2, NA, 3, 2 } }, { "v", { "a", "b", "c", "d", "e" } } })
end
local function right()
  return modu.frame({ { "k", { 2.0, NA, 4.0, 1.0 } }, { "v", { "x", "y", "z", "w" } } })
end

describe("join kinds", function()
  it("inner: left order, each left row with its matches; NA never matches; int meets float", function()
    local r = left():join(right(), { on = "k" })
    assert.are.same({ "k", "v", "v_r" }, r:names())
    col_is(r, "k", { 1, 2, 2 })
    assert.are.equal("int", r:col("k"):type())
    col_is(r, "v", { "a", "b", "e" })
    col_is(r, "v_r", { "w", "x", "x" })
  end)

  it("left keeps every left row, NA where nothing matched", function()
    local r = left():join(right(), { on = "k", how = "left" })
    col_is(r, "k", { 1, 2, NA, 3, 2 })
    col_is(r, "v", { "a", "b", "c", "d", "e" })
    col_is(r, "v_r", { "w", "x", NA, NA, "x" })
  end)

  it("right keeps every right row in right order, the key from the right", function()
    local r = left():join(right(), { on = "k", how = "right" })
    col_is(r, "k", { 2.0, 2.0, NA, 4.0, 1.0 })
    col_is(r, "v", { "b", "e", NA, NA, "a" })
    col_is(r, "v_r", { "x", "x", "y", "z", "w" })
  end)

  it("full keeps both: the left join, then the unmatched right rows", function()
    local r = left():join(right(), { on = "k", how = "full" })
    col_is(r, "k", { 1.0, 2.0, NA, 3.0, 2.0, NA, 4.0 })
    col_is(r, "v", { "a", "b", "c", "d", "e", NA, NA })
    col_is(r, "v_r", { "w", "x", NA, NA, "x", "y", "z" })
  end)

  it("semi and anti filter the left rows, never repeating one", function()
    local dup = modu.frame({ { "k", { 2, 2, 2 } } })
    local semi = left():join(dup, { on = "k", how = "semi" })
    assert.are.same({ "k", "v" }, semi:names())
    col_is(semi, "v", { "b", "e" })
    local anti = left():join(right(), { on = "k", how = "anti" })
    col_is(anti, "v", { "c", "d" }) -- the NA key matches nothing, so anti keeps it
    col_is(left():join(right(), { on = "k", how = "semi" }), "v", { "a", "b", "e" })
  end)

  it("repeats a left row for every match, in right order (m:m)", function()
    local a = modu.frame({ { "k", { 1, 1 } }, { "i", { 1, 2 } } })
    local b = modu.frame({ { "k", { 1, 1, 1 } }, { "j", { 10, 20, 30 } } })
    local r = a:join(b, { on = "k", validate = "m:m" })
    col_is(r, "i", { 1, 1, 1, 2, 2, 2 })
    col_is(r, "j", { 10, 20, 30, 10, 20, 30 })
  end)
end)

describe("join keys", function()
  local cities = modu.frame({ { "city", { "北京", "深圳", "上海" } }, { "year", { 2016, 2016, 2017 } },
    { "n", { 1, 2, 3 } } })
  local other = modu.frame({ { "city", { "上海", "杭州", "北京", "北京" } }, { "year", { 2017, 2017, 2016, 2017 } },
    { "m", { 30, 40, 10, 11 } } })

  it("matches text keys from different dictionaries", function()
    local r = cities:join(other, { on = "city", how = "full" })
    col_is(r, "city", { "北京", "北京", "深圳", "上海", "杭州" })
    col_is(r, "n", { 1, 1, 2, 3, NA })
    col_is(r, "m", { 10, 11, NA, 30, 40 })
    col_is(r, "year", { 2016, 2016, 2016, 2017, NA })
    col_is(r, "year_r", { 2016, 2017, NA, 2017, 2017 })
  end)

  it("joins on several keys", function()
    local r = cities:join(other, { on = { "city", "year" }, how = "left" })
    assert.are.same({ "city", "year", "n", "m" }, r:names())
    col_is(r, "m", { 10, NA, 30 })
  end)

  it("joins on differently named keys, keeping the left name", function()
    local codes = modu.frame({ { "name", { "深圳", "北京" } }, { "code", { "SZ", "BJ" } } })
    local r = cities:join(codes, { on = { left = "city", right = "name" }, how = "left" })
    assert.are.same({ "city", "year", "n", "code" }, r:names())
    col_is(r, "code", { "BJ", "SZ", NA })
  end)

  it("joins on several differently named keys", function()
    local ref = modu.frame({ { "c", { "北京", "北京" } }, { "y", { 2017, 2016 } }, { "m", { 11, 10 } } })
    local r = cities:join(ref, { on = { left = { "city", "year" }, right = { "c", "y" } }, how = "left" })
    assert.are.same({ "city", "year", "n", "m" }, r:names())
    col_is(r, "m", { 10, NA, NA })
    raises("join: on = { left = {...}, right = {...} } needs as many right names as left, at least one",
      function() return cities:join(ref, { on = { left = { "city", "year" }, right = { "c" } } }) end)
    raises("join: on.right[2] must be a column name",
      function() return cities:join(ref, { on = { left = { "city", "year" }, right = { "c", 2 } } }) end)
  end)

  it("joins on the shared names when on is left out", function()
    local r = cities:join(other)
    col_is(r, "n", { 1, 3 })
    col_is(r, "m", { 10, 30 })
  end)

  it("never matches NA keys, on either side or in any key of several", function()
    local a = modu.frame({ { "k1", { 1, NA, 1 } }, { "k2", { "x", "x", NA } } })
    local b = modu.frame({ { "k1", { 1, NA, 1 } }, { "k2", { "x", "x", NA } }, { "hit", { true, true, true } } })
    local r = a:join(b, { on = { "k1", "k2" }, how = "left" })
    col_is(r, "hit", { true, NA, NA })
    assert.are.equal(0, #modu.frame({ { "k", { NA } } }):join(modu.frame({ { "k", { NA } } }), { on = "k" }))
  end)

  it("matches bool and date keys", function()
    local a = modu.frame({ { "d", { D "2020-01-01", D "2021-01-01" } }, { "b", { true, false } } })
    local b = modu.frame({ { "d", { D "2021-01-01" } }, { "b", { false } }, { "x", { 9 } } })
    col_is(a:join(b, { on = { "d", "b" }, how = "left" }), "x", { NA, 9 })
  end)
end)

describe("join suffixes and validate", function()
  it("suffixes clashing non-key names with { left, right }", function()
    local r = left():join(right(), { on = "k", suffix = { "_l", "_r" } })
    assert.are.same({ "k", "v_l", "v_r" }, r:names())
    raises("join: two result columns would be named 'v' (set suffix)",
      function() return left():join(right(), { on = "k", suffix = { "", "" } }) end)
  end)

  it("checks uniqueness and names a duplicated key", function()
    local l = modu.frame({ { "k", { 1, 2, 2 } } })
    local r = modu.frame({ { "k", { 1, 3, 3 } }, { "v", { 1, 2, 3 } } })
    local u = modu.frame({ { "k", { 1, 2 } }, { "v", { 1, 2 } } })
    raises('join: validate "1:1" fails: the key (k = 2) appears more than once in the left frame',
      function() return l:join(u, { on = "k", validate = "1:1" }) end)
    raises('join: validate "1:m" fails: the key (k = 2) appears more than once in the left frame',
      function() return l:join(r, { on = "k", validate = "1:m" }) end)
    raises('join: validate "m:1" fails: the key (k = 3) appears more than once in the right frame',
      function() return l:join(r, { on = "k", validate = "m:1" }) end)
    raises('join: validate "1:1" fails: the key (k = 3) appears more than once in the right frame',
      function() return u:join(r, { on = "k", validate = "1:1" }) end)
    assert.are.equal(3, #l:join(u, { on = "k", validate = "m:1" }))
    assert.are.equal(1, #u:join(r, { on = "k", validate = "1:m" }))
    -- NA keys match nothing, so two of them are no duplicate
    local na2 = modu.frame({ { "k", { NA, NA, 1 } } })
    assert.are.equal(1, #na2:join(u, { on = "k", validate = "1:1" }))
  end)

  it("names every key of a duplicated combination", function()
    local l = modu.frame({ { "a", { "北京", "北京" } }, { "b", { 1, 1 } } })
    raises('join: validate "1:1" fails: the key (a = 北京, b = 1) appears more than once in the left frame',
      function() return l:join(l, { on = { "a", "b" }, validate = "1:1" }) end)
  end)
end)

describe("joins of empty and one-row frames", function()
  local empty = modu.frame({ { "k", modu.column({}, "int") }, { "v", modu.column({}, "str") } })

  it("joins an empty frame on either side", function()
    for _, how in ipairs({ "inner", "left", "right", "full", "semi", "anti" }) do
      local r = empty:join(right(), { on = "k", how = how })
      local want = (how == "right" or how == "full") and 4 or 0
      assert.are.equal(want, #r, how)
    end
    assert.are.equal(5, #left():join(empty, { on = "k", how = "left" }))
    assert.are.equal(0, #left():join(empty, { on = "k" }))
    assert.are.equal(5, #left():join(empty, { on = "k", how = "anti" }))
    assert.are.same({ "k", "v", "v_r" }, left():join(empty, { on = "k" }):names())
  end)

  it("joins one-row frames", function()
    local a = modu.frame({ { "k", { 7 } }, { "x", { 1.5 } } })
    local b = modu.frame({ { "k", { 7 } }, { "y", { "s" } } })
    local r = a:join(b, { on = "k", validate = "1:1" })
    col_is(r, "x", { 1.5 })
    col_is(r, "y", { "s" })
    assert.are.equal(0, #a:join(b, { on = "k", how = "anti" }))
  end)
end)

describe("join errors", function()
  it("names the option and lists what is valid", function()
    local a, b = left(), right()
    raises("join: how must be one of inner, left, right, full, semi, anti, got outer",
      function() return a:join(b, { on = "k", how = "outer" }) end)
    raises('join: validate must be "1:1", "m:1", "1:m" or "m:m", got 1:n',
      function() return a:join(b, { on = "k", validate = "1:n" }) end)
    raises("join: no column 'kk' in the left frame (columns: k, v)", function() return a:join(b, { on = "kk" }) end)
    raises("join: no column 'q' in the right frame (columns: k, v)",
      function() return a:join(b, { on = { left = "k", right = "q" } }) end)
    raises("join: key 'v' is str on the left but float on the right",
      function() return a:join(b, { on = { left = "v", right = "k" } }) end)
    raises('join: suffix must be a pair of strings such as {"", "_r"}',
      function() return a:join(b, { on = "k", suffix = "_r" }) end)
    raises("join: options must be a table { on = ..., how = ... }, got string", function() return a:join(b, "k") end)
    raises("join: on[1] must be a column name", function() return a:join(b, { on = { 1 } }) end)
    raises("join: the frames share no column name: say on = ...",
      function() return a:join(modu.frame({ { "z", { 1 } } })) end)
    raises("join: argument 1 must be a modu.Frame, got table", function() return a:join({}, { on = "k" }) end)
  end)
end)
