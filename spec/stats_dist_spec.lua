-- Specs for the distributions (normal, Student t, chi-square, F): cdf, upper
-- tail, density and quantiles against values computed independently in
-- arbitrary precision by bc (spec/stats_dist_reference.lua and .bc), exact
-- closed forms, and the identities between them. Tolerances, relative:
-- 1e-12 in the central range (probability >= 1e-3), 1e-10 in the tails.
-- Prints the largest error seen per distribution and range.
local modu = require "modu"
local D = modu.stats.dist
local ref = dofile("spec/stats_dist_reference.lua")

local CENTRAL, TAIL = 1e-12, 1e-10

local function rel(got, want)
  if got == want then return 0 end
  return math.abs(got - want) / math.abs(want)
end

local function call(d, fn, x, par) return D[d][fn](x, table.unpack(par)) end

local worst = {}
local function note(key, err)
  if not worst[key] or err > worst[key] then worst[key] = err end
end

describe("distributions against bc", function()
  it("the reference table is there", function()
    assert.is_true(#ref.points > 250, "points: " .. #ref.points)
    assert.is_true(#ref.quantiles > 450, "quantiles: " .. #ref.quantiles)
  end)

  it("cdf, upper tail and density", function()
    local failures = {}
    for _, r in ipairs(ref.points) do
      local d, par, x = r[1], r[2], tonumber(r[3])
      local want = { cdf = tonumber(r.cdf), sf = tonumber(r.sf), pdf = tonumber(r.pdf) }
      local small = math.min(want.cdf, want.sf)
      for _, fn in ipairs({ "cdf", "sf", "pdf" }) do
        local w = want[fn]
        -- values below the double range are not asked for
        if w >= 1e-300 then
          local class = (fn == "pdf" and small or w) >= 1e-3 and "central" or "tail"
          local err = rel(call(d, fn, x, par), w)
          note(d .. " " .. fn .. " " .. class, err)
          if err > (class == "central" and CENTRAL or TAIL) then
            failures[#failures + 1] = ("%s(%s) %s at %s: relative error %.3g"):format(d, table.concat(par, ", "), fn,
              r[3], err)
          end
        end
      end
    end
    assert.are.same({}, failures)
  end)

  it("quantiles (lower and upper tail)", function()
    local failures = {}
    for _, r in ipairs(ref.quantiles) do
      local d, par, p, upper, want = r[1], r[2], tonumber(r[3]), r[4], tonumber(r.q)
      local got = call(d, upper and "isf" or "quantile", p, par)
      local class = math.min(p, 1 - p) >= 1e-3 and "central" or "tail"
      local err = rel(got, want)
      note(d .. " quantile " .. class, err)
      if err > (class == "central" and CENTRAL or TAIL) then
        failures[#failures + 1] = ("%s(%s) %s(%s): got %.17g, want %.17g (relative error %.3g)"):format(d,
          table.concat(par, ", "), upper and "isf" or "quantile", r[3], got, want, err)
      end
    end
    assert.are.same({}, failures)
  end)

  teardown(function()
    local keys = {}
    for k in pairs(worst) do keys[#keys + 1] = k end
    table.sort(keys)
    print("\nlargest relative error against bc:")
    for _, k in ipairs(keys) do print(("  %-24s %.2g"):format(k, worst[k])) end
  end)
end)

describe("distributions against exact forms", function()
  it("the normal's quartile, Cauchy quantiles and the t with 2 df", function()
    -- t(1) is Cauchy: F(t) = 1/2 + atan(t)/pi
    for _, t in ipairs({ -1e6, -3, -0.5, 0.25, 7 }) do
      assert.is_true(rel(D.t.cdf(t, 1), 0.5 + math.atan(t) / math.pi) < 1e-14 or t < -1e5)
    end
    assert.is_true(rel(D.t.quantile(0.75, 1), 1) < 1e-15)
    -- t(2): F(t) = 1/2 + t / (2 sqrt(2 + t^2))
    for _, t in ipairs({ -2, -0.5, 1, 3 }) do
      assert.is_true(rel(D.t.cdf(t, 2), 0.5 + t / (2 * math.sqrt(2 + t * t))) < 1e-14)
    end
    -- chi-square(2) is exponential with mean 2: P(X > x) = e^(-x/2), exactly in the far tail too
    for _, x in ipairs({ 0.001, 1, 10, 100, 1000 }) do
      assert.is_true(rel(D.chisq.sf(x, 2), math.exp(-x / 2)) < 1e-14, "chisq(2).sf at " .. x)
    end
    assert.is_true(rel(D.chisq.quantile(0.5, 2), 2 * math.log(2)) < 1e-15)
    -- F(2, 2): P(F <= f) = f / (1 + f)
    for _, f in ipairs({ 0.01, 1, 5, 1e6 }) do
      assert.is_true(rel(D.f.cdf(f, 2, 2), f / (1 + f)) < 1e-14, "F(2,2) at " .. f)
    end
  end)

  it("the upper tail keeps its digits where 1 - cdf cannot", function()
    -- P(Z > 10) = 7.6198530241604696e-24, far below what 1 - cdf can resolve
    assert.is_true(rel(D.normal.sf(10), 7.6198530241604696e-24) < 1e-13)
    assert.are.equal(1, D.normal.cdf(10))
    assert.is_true(rel(D.normal.isf(7.6198530241604696e-24), 10) < 1e-13)
  end)

  it("normal takes mean and sd; t with infinite df is the normal", function()
    assert.are.equal(D.normal.cdf(-1), D.normal.cdf(3, 5, 2))
    assert.is_true(rel(D.normal.pdf(3, 5, 2), D.normal.pdf(-1) / 2) < 1e-15)
    assert.are.equal(D.normal.cdf(-2.5), D.t.cdf(-2.5, math.huge))
    assert.are.equal(5 + 2 * D.normal.quantile(0.9), D.normal.quantile(0.9, 5, 2))
  end)

  it("works on columns, keeping NA", function()
    local c = D.normal.cdf(modu.column({ 0, modu.NA, 1 }))
    assert.are.same({ 0.5, modu.NA, D.normal.cdf(1) }, c:to_table())
    local q = D.chisq.quantile({ 0.5 }, 2)
    assert.are.equal("float", q:type())
  end)

  it("reject bad parameters and probabilities with the function's name", function()
    local function msg(f, ...)
      local ok, err = pcall(f, ...)
      assert.is_false(ok)
      return tostring(err)
    end
    assert.matches("^dist%.t%.cdf: df must be positive", msg(D.t.cdf, 1, 0))
    assert.matches("^dist%.t%.cdf: df is missing", msg(D.t.cdf, 1))
    assert.matches("^dist%.normal%.pdf: sd must be a positive finite number", msg(D.normal.pdf, 1, 0, -1))
    assert.matches("^dist%.f%.sf: df2 must be a positive finite number", msg(D.f.sf, 1, 2, 0))
    assert.matches("^dist%.chisq%.quantile: p must be between 0 and 1, got 1.5", msg(D.chisq.quantile, 1.5, 3))
    assert.matches("^dist%.f%.cdf: df1 must be a number, got string", msg(D.f.cdf, 1, "a", 2))
  end)
end)
