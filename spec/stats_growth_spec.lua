-- Specs for growth and crossings: growth, cagr, doubling_time, trend, and
-- crossing on series whose crossings are known exactly (linear and
-- exponential, interpolated and projected), with the stated assumption.
local modu = require "modu"
local support = require "spec.support"
local S = modu.stats
local NA = modu.NA
local raises = support.raises_match
local function near(want, got, tol, what) support.near(want, got, tol or 1e-13, what) end

describe("growth rates", function()
  it("growth: period over period, NA where a value is missing", function()
    local g = S.growth({ 100, 110, 121, NA, 150 }):to_table()
    assert.are.equal(NA, g[1])
    near(0.1, g[2])
    near(0.1, g[3])
    assert.are.same({ NA, NA }, { g[4], g[5] })
    local g2 = S.growth({ 100, 110, 121, 133.1 }, 2):to_table()
    near(0.21, g2[3])
    near(0.21, g2[4])
    raises("^growth: lag must be an integer >= 1, got 0", S.growth, { 1, 2 }, 0)
  end)

  it("cagr: the constant rate that turns v0 into v1 over the years", function()
    near(2 ^ (1 / 5) - 1, S.cagr(100, 200, 5), 1e-15)
    near(0.1, S.cagr(100, 161.051, 5), 1e-14)
    assert.are.equal(-1, S.cagr(100, 0, 3))
    raises("^cagr: v0 must be a positive finite number, got 0", S.cagr, 0, 5, 1)
    raises("^cagr: years must be a positive finite number, got %-1", S.cagr, 1, 5, -1)
    raises("^cagr: v1 must be a number, got string", S.cagr, 1, "5", 1)
  end)

  it("doubling_time from a rate or from a series", function()
    near(math.log(2) / math.log(1.1), S.doubling_time(0.1), 1e-15)
    assert.are.equal(math.huge, S.doubling_time(0))
    assert.are.equal(math.huge, S.doubling_time(-0.2))
    raises("^doubling_time: the growth rate must be greater than %-1, got %-1", S.doubling_time, -1)
    -- y = 5 * 2^(t / 3): doubles every 3
    local t, y = {}, {}
    for i = 0, 9 do t[#t + 1], y[#y + 1] = i, 5 * 2 ^ (i / 3) end
    near(3, S.doubling_time(t, y), 1e-14)
  end)

  it("trend: linear and log-linear fits with predictions", function()
    local lin = S.trend({ 2015, 2016, 2017, 2018 }, { 10, 13, 16, 19 }, "linear")
    near(3, lin.slope, 1e-12)
    near(1, lin.r2)
    near(22, lin:predict(2019), 1e-13)
    local lg = S.trend({ 0, 1, 2, 3 }, { 2, 2.4, 2.88, 3.456 }, "log")
    near(0.2, lg.rate, 1e-13)
    near(math.log(2) / math.log(1.2), lg.doubling_time, 1e-13)
    near(2 * 1.2 ^ 5, lg:predict(5), 1e-13)
    assert.matches("^log trend: ln y = ", tostring(lg))
    raises("^trend: a log trend needs positive values, got 0 in row 2", S.trend, { 1, 2 }, { 1, 0 }, "log")
    raises("^trend: unknown method 'cubic' %(methods: linear, log%)", S.trend, { 1, 2 }, { 1, 2 }, "cubic")
  end)
end)

describe("crossing", function()
  it("interpolates a linear crossing between the observations around it", function()
    -- a = 10 + 2t, b = 20 + t meet at t = 10; there is no observation at 10
    local t, a, b = {}, {}, {}
    for _, v in ipairs({ 0, 3, 6, 9, 11, 12 }) do t[#t + 1], a[#a + 1], b[#b + 1] = v, 10 + 2 * v, 20 + v end
    local r = S.crossing(t, a, b, { labels = { "深圳", "北京" } })
    assert.are.same({ "interpolated", "linear" }, { r.kind, r.method })
    near(10, r.time, 1e-15)
    assert.are.same({ t = 9, a = 28, b = 29 }, r.before)
    assert.are.same({ t = 11, a = 32, b = 31 }, r.after)
    assert.are.equal("深圳 and 北京 change linearly between the observations at t = 9 and t = 11", r.assumption)
    assert.matches("^深圳 overtakes 北京 at t = 10 ", tostring(r))
  end)

  it("interpolates an exponential crossing at constant growth rates", function()
    -- a = 100 * 1.2^t, b = 400 * 1.1^t meet at t = ln 4 / ln(12 / 11)
    local t, a, b = { 0, 5, 10, 15, 20 }, {}, {}
    for i, v in ipairs(t) do a[i], b[i] = 100 * 1.2 ^ v, 400 * 1.1 ^ v end
    local r = S.crossing(t, a, b, { method = "log" })
    near(math.log(4) / math.log(12 / 11), r.time, 1e-13)
    assert.are.same({ 15, 20 }, { r.before.t, r.after.t })
    assert.matches("grow at constant rates between the observations at t = 15 and t = 20", r.assumption)
    -- linear interpolation of the same data answers differently, and says so
    local l = S.crossing(t, a, b)
    assert.is_true(math.abs(l.time - r.time) > 0.01)
    assert.matches("change linearly", l.assumption)
  end)

  it("projects from fitted trends when a is still behind", function()
    -- a = 10 + 3t, b = 40 + t: a is behind at t = 5; the lines meet at t = 15
    local t, a, b = {}, {}, {}
    for v = 0, 5 do t[#t + 1], a[#a + 1], b[#b + 1] = v, 10 + 3 * v, 40 + v end
    local r = S.crossing(t, a, b)
    assert.are.equal("projected", r.kind)
    near(15, r.time, 1e-12)
    assert.matches("^projected: linear trends fitted to the observations from t = 0 to t = 5 are assumed to " ..
                   "continue %(a 3 per unit of t, b 1 per unit of t%); a is behind at the last observation$",
                   r.assumption)
    -- exponential: a = 1.5^t, b = 10 * 1.2^t meet at t = ln 10 / ln 1.25
    local ea, eb = {}, {}
    for i, v in ipairs(t) do ea[i], eb[i] = 1.5 ^ v, 10 * 1.2 ^ v end
    local e = S.crossing(t, ea, eb, { method = "log" })
    near(math.log(10) / math.log(1.25), e.time, 1e-12)
    assert.matches("log%-linear trends", e.assumption)
    assert.matches("a 50%% per unit of t, b 20%% per unit of t", e.assumption)
  end)

  it("projects from the last observations only when asked", function()
    -- b's early values are off its recent line; window = 3 ignores them
    local r = S.crossing({ 0, 1, 2, 3, 4 }, { 0, 3, 6, 9, 12 }, { 100, 50, 20, 21, 22 }, { window = 3 })
    near(9, r.time, 1e-12) -- from t = 2 on: a = 3t, b = 18 + t, so 3t = 18 + t
    assert.are.equal(2, r.fit_from)
  end)

  it("says when there is no crossing, and why", function()
    local r = S.crossing({ 1, 2, 3 }, { 5, 6, 7 }, { 1, 2, 3 })
    assert.are.equal("none", r.kind)
    assert.are.equal(NA, r.time)
    assert.are.equal("a was never behind b", r.assumption)
    local s = S.crossing({ 1, 2, 3 }, { 1, 2, 3 }, { 5, 7, 9 }, { labels = { "A", "B" } })
    assert.are.equal("none", s.kind)
    assert.are.equal("B's fitted trend rises at least as fast as A's, so the trends do not meet ahead", s.assumption)
    assert.matches("^no crossing: ", tostring(s))
  end)

  it("reports the overtaking that held, and every change of lead", function()
    -- d = a - b: -1, 1, -1, 1 -> crossings up at 1.5, down at 2.5, up at 3.5
    local r = S.crossing({ 1, 2, 3, 4 }, { 0, 2, 0, 2 }, { 1, 1, 1, 1 })
    near(3.5, r.time, 1e-15)
    assert.are.equal(3, #r.crossings)
    assert.are.same({ true, false, true }, { r.crossings[1].up, r.crossings[2].up, r.crossings[3].up })
    near(2.5, r.crossings[2].time, 1e-15)
  end)

  it("sorts by time and skips rows with NA", function()
    local r = S.crossing({ 3, 1, 2, 4 }, { 6, 2, NA, 8 }, { 5, 5, 5, 5 })
    -- rows in time order: (1: 2 vs 5), (3: 6 vs 5), (4: 8 vs 5) -> d -3 then 1
    near(1 + 2 * 3 / 4, r.time, 1e-15)
  end)

  it("rejects repeated times and non-positive values on a log scale", function()
    raises("^crossing: t has the value 2 twice", S.crossing, { 1, 2, 2 }, { 1, 2, 3 }, { 3, 2, 1 })
    raises("^crossing: method log needs positive values, got a = 0, b = 2 in row 1", S.crossing, { 1, 2 }, { 0, 3 },
      { 2, 2 }, { method = "log" })
    raises("^crossing: needs at least 2 complete observations, got 1", S.crossing, { 1, 2 }, { 1, NA }, { 2, 2 })
    raises("^crossing: t has 2 values but a has 1", S.crossing, { 1, 2 }, { 1 }, { 2, 2 })
  end)
end)
