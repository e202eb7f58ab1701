-- Soundness beyond the StRD files in ../shared: least squares and univariate
-- statistics on ill-conditioned problems, against values computed in
-- arbitrary precision by bc (spec/stats_lls_reference.lua and .bc):
-- NIST's Filip and Wampler3-5 with their certified values, Filip-, Wampler-,
-- Longley- and NumAcc-like problems made for this spec, and the edge cases
-- of regression (perfect fit, n = p, NA rows, collinear designs) and of the
-- descriptive statistics (offsets, values near the ends of the double
-- range, constant data), with answers derived by hand. Prints every LRE.
local modu = require "modu"
local S = modu.stats
local NA = modu.NA
local ref = dofile("spec/stats_lls_reference.lua")

-- agreeing significant digits, capped at 15 (as spec/stats_strd_spec.lua)
local lre = require("spec.support").lre

local report = {}
local function record(set, what, value, target)
  report[#report + 1] = ("%-13s %-16s %5.1f  (>= %s)"):format(set, what, value, target)
end

-- LRE targets per problem: polyfit (exact powers) and ols on a design given
-- as doubles, against that problem's exact solution
local TARGET = {
  Filip = 12, FilipLike1 = 12, FilipLike2 = 12, FilipLike3 = 12,
  Wampler3 = 12, Wampler4 = 12, Wampler5 = 12,
  WamplerLike1 = 12, WamplerLike2 = 12, WamplerLike3 = 12,
  LongleyOffset = 12,
}
-- ols on powers rounded to doubles, against the exact polynomial fit: the
-- rounding of x^j alone moves the exact answer (the "limit" printed, bc on
-- the rounded design against bc on the exact one); asked: 7, or the limit
-- less half a digit where the limit itself is lower
local ROUNDED_TARGET = 7

local function frame_of(y, cols)
  local t, xs = { { "y", y } }, {}
  for j, c in ipairs(cols) do
    t[j + 1] = { "x" .. j, c }
    xs[j] = "x" .. j
  end
  return modu.frame(t), xs
end

-- the worst LRE of each kind of figure, against want = { coef, sd, residual_sd, r2 }
local FIGURES = { "coef", "sd", "residual_sd", "r2" }
local function worst(coef, se, sigma, r2, want)
  local w = { coef = 15, sd = 15 }
  for k = 1, #want.coef do
    w.coef = math.min(w.coef, lre(coef[k], want.coef[k]))
    w.sd = math.min(w.sd, lre(se[k], want.sd[k]))
  end
  w.residual_sd = lre(sigma, want.residual_sd)
  w.r2 = lre(r2, want.r2)
  return w
end
local function fit_worst(fit, want) return worst(fit.coef, fit.se, fit.sigma, fit.r2, want) end
local function num_list(t)
  local r = {}
  for i, v in ipairs(t) do r[i] = tonumber(v) end
  return r
end
local function ref_worst(got, want)
  return worst(num_list(got.coef), num_list(got.sd), tonumber(got.residual_sd), tonumber(got.r2), want)
end

local function expect(failures, name, how, w, target, limit)
  for _, k in ipairs(FIGURES) do
    local t = type(target) == "table" and target[k] or target
    record(name, how .. " " .. k, w[k], limit and ("%.1f (limit %.1f)"):format(t, limit[k]) or t)
    if w[k] < t then failures[#failures + 1] = ("%s %s %s: LRE %.1f < %.1f"):format(name, how, k, w[k], t) end
  end
end

-- pr: { degree, x, y } or { cols, y, intercept }; want: the exact answer;
-- design: for polynomials, bc's answer on the powers rounded to doubles
local function check(name, pr, want, design, failures)
  local ok, err = pcall(function()
    if not pr.degree then
      local df, xs = frame_of(pr.y, pr.cols)
      expect(failures, name, "ols", fit_worst(S.ols(df, "y", xs, { intercept = pr.intercept }), want), TARGET[name])
      return
    end
    expect(failures, name, "polyfit", fit_worst(S.polyfit(pr.x, pr.y, pr.degree), want), TARGET[name])
    local df, xs = frame_of(pr.y, ref.powers(pr.x, pr.degree))
    local fit = S.ols(df, "y", xs)
    -- the algorithm on the data it was given
    expect(failures, name, "ols~design", fit_worst(fit, design), TARGET[name])
    -- and against the exact polynomial
    local limit, target = ref_worst(design, want), {}
    for _, k in ipairs(FIGURES) do target[k] = math.min(ROUNDED_TARGET, limit[k] - 0.5) end
    expect(failures, name, "ols~exact", fit_worst(fit, want), target, limit)
  end)
  if not ok then failures[#failures + 1] = name .. ": " .. tostring(err) end
end

describe("least squares beyond the StRD files", function()
  it("bc reproduces NIST's certified values for Filip and Wampler3-5", function()
    -- checks the data entered in the reference file and the bc program
    local failures = {}
    for _, name in ipairs(ref.nist_names) do
      expect(failures, name, "bc", ref_worst(ref.nist_bc[name].ref, ref.nist[name]), 14)
    end
    assert.are.same({}, failures)
  end)

  it("NIST Filip and Wampler3-5 against their certified values", function()
    local failures = {}
    for _, name in ipairs(ref.nist_names) do
      local d = ref.nist[name]
      check(name, { degree = d.degree, x = d.x, y = d.y }, d, ref.nist_bc[name].ref_design, failures)
    end
    assert.are.same({}, failures)
  end)

  it("Filip-, Wampler- and Longley-like problems against bc", function()
    local failures = {}
    assert.is_true(#ref.problems >= 7, "problems: " .. #ref.problems)
    for _, pr in ipairs(ref.problems) do check(pr.name, pr, pr.ref, pr.ref_design, failures) end
    assert.are.same({}, failures)
  end)

  it("a perfect fit: R^2 = 1, standard errors 0, F infinite, no NaN", function()
    -- y = 2 - 3 x + 0.5 x^2 exactly on x = 1..6
    local x, x2, y = {}, {}, {}
    for i = 1, 6 do
      x[i], x2[i] = i + 0.0, i * i + 0.0
      y[i] = 2 - 3 * i + 0.5 * i * i
    end
    local fit = S.ols(modu.frame({ { "y", y }, { "x", x }, { "x2", x2 } }), "y", { "x", "x2" })
    assert.are.same({ 2, -3, 0.5 }, fit.coef)
    assert.are.same({ 0, 0, 0 }, fit.se)
    assert.are.equal(0, fit.sigma)
    assert.are.equal(1, fit.r2)
    assert.are.equal(1, fit.adj_r2)
    assert.are.equal(math.huge, fit.f)
    assert.are.equal(0, fit.f_p)
    assert.are.same({ math.huge, -math.huge, math.huge }, fit.t)
    assert.are.same({ 0, 0, 0 }, fit.p)
    assert.is_truthy(fit:summary():find("Residual standard error: 0 on 3 degrees of freedom", 1, true))
  end)

  it("n = p: zero residual degrees of freedom is an error that says so", function()
    local df = modu.frame({ { "y", { 1.0, 3.0 } }, { "x", { 1.0, 2.0 } } })
    local ok, err = pcall(S.ols, df, "y", { "x" })
    assert.is_false(ok)
    assert.is_truthy(err:find("2 complete rows for 2 coefficients: need more rows than coefficients", 1, true), err)
    ok, err = pcall(S.polyfit, { 1, 2, 3 }, { 1, 4, 9 }, 2)
    assert.is_false(ok)
    assert.is_truthy(err:find("degree 2 needs at least 4 points, got 3", 1, true), err)
  end)

  it("rows with NA in y (or an x) are left out, and the outputs say which", function()
    local df = modu.frame({ { "y", { 3.0, NA, 7.5, 9.0, 11.0 } }, { "x", { 1.0, 2.0, 3.0, 4.0, NA } } })
    local fit = S.ols(df, "y", { "x" })
    -- the fit of (1, 3), (3, 7.5), (4, 9), by hand: xbar = 8/3, ybar = 6.5,
    -- Sxx = 14/3, Sxy = 9.5 -> slope 57/28, intercept 6.5 - 8/3 * 57/28 = 15/14
    assert.are.equal(3, fit.n)
    assert.are.equal(2, fit.dropped)
    assert.is_true(math.abs(fit.coef[2] - 57 / 28) < 1e-14)
    assert.is_true(math.abs(fit.coef[1] - 15 / 14) < 1e-14)
    assert.are.equal(NA, fit.residuals[2])
    assert.are.equal(NA, fit.fitted[5])
    assert.is_true(math.abs(fit.residuals[1] - (3 - fit.coef[1] - fit.coef[2])) < 1e-14)
  end)

  it("names the column of a truly collinear design", function()
    local x = { 1.0, 2.0, 3.0, 4.0, 5.0, 6.0 }
    local z = { 0.5, 2.0, 1.0, 4.0, 3.0, 2.5 }
    local sum, dup, const, zero = {}, {}, {}, {}
    for i = 1, 6 do
      sum[i], dup[i], const[i], zero[i] = x[i] + z[i], x[i], 7.0, 0.0
    end
    local y = { 3.0, 5.0, 7.0, 9.5, 1.0, 4.0 }
    local df = modu.frame({ { "y", y }, { "x", x }, { "z", z }, { "sum", sum }, { "dup", dup }, { "const", const },
                            { "zero", zero } })
    local function err(xs, opts)
      local ok, e = pcall(S.ols, df, "y", xs, opts)
      assert.is_false(ok, table.concat(xs, ","))
      return e
    end
    assert.is_truthy(err({ "x", "dup" }):find("'dup' is collinear with (Intercept), x", 1, true))
    assert.is_truthy(err({ "x", "z", "sum" }):find("'sum' is collinear with (Intercept), x, z", 1, true))
    assert.is_truthy(err({ "x", "z", "sum" }, { intercept = false }):find("'sum' is collinear with x, z", 1, true))
    assert.is_truthy(err({ "x", "const" }):find("'const' is collinear with (Intercept), x", 1, true))
    assert.is_truthy(err({ "zero", "x" }):find("'zero' is collinear with (Intercept)", 1, true))
    assert.is_truthy(err({ "zero" }, { intercept = false }):find("'zero' is collinear with nothing: it is all zeros",
      1, true))
    -- a constant column without an intercept is a fine regressor
    local fit = S.ols(df, "y", { "const", "x" }, { intercept = false })
    assert.are.equal(2, fit.k)
  end)

  it("does not reject full-rank designs near the tolerance", function()
    -- x and x + 1e-6 * (a pattern) differ by about 1e-7 of their length:
    -- ill-conditioned but of full rank, and so is the degree-10 Filip design
    local x, w, y = {}, {}, {}
    for i = 1, 20 do
      x[i] = i + 0.0
      w[i] = i + 1e-6 * ((i * 7) % 5 - 2)
      y[i] = 1 + 2 * x[i] + 3 * w[i] + ((i * 3) % 7 - 3) * 1e-3
    end
    local fit = S.ols(modu.frame({ { "y", y }, { "x", x }, { "w", w } }), "y", { "x", "w" })
    assert.are.equal(3, fit.k)
    -- the well-determined combination: y is about 1 + 5 x
    assert.is_true(math.abs(fit.coef[2] + fit.coef[3] - 5) < 1e-3)
  end)

  teardown(function()
    print("\nLeast squares LRE (min over the coefficients for coef and sd):")
    for _, line in ipairs(report) do print("  " .. line) end
  end)
end)

describe("univariate statistics beyond the StRD files", function()
  local rep = {}

  it("NumAcc3, NumAcc4 and larger offsets against bc on the same doubles", function()
    local failures = {}
    for _, u in ipairs(ref.univariate) do
      local col = modu.column(ref.numacc(u.base), "float")
      local got = { mean = S.mean(col), sd = col:sd(), acf1 = col:acf(1) }
      for _, k in ipairs({ "mean", "sd", "acf1" }) do
        local v = lre(got[k], u.ref[k])
        rep[#rep + 1] = ("%-13s %-16s %5.1f  (>= 13)"):format(u.name, k, v)
        if v < 13 then failures[#failures + 1] = ("%s %s: LRE %.1f"):format(u.name, k, v) end
      end
    end
    assert.are.same({}, failures)
  end)

  it("NumAcc3 and NumAcc4 against NIST's certified values (decimal data)", function()
    -- the doubles nearest 1000000.1 and 1000000.3 are 0.2 apart only to
    -- about 1e-10 relative (1e-9 at 1e7), so no double computation can
    -- match the certified sd better than that: these LRE are the data's
    -- own limit, and the spec asks for it to within half a digit
    local cert = {
      NumAcc3 = { mean = 1000000.2, sd = 0.1, acf1 = -0.999, limit = 9 },
      NumAcc4 = { mean = 10000000.2, sd = 0.1, acf1 = -0.999, limit = 8 },
    }
    local failures = {}
    for _, u in ipairs(ref.univariate) do
      local c = cert[u.name]
      if c then
        local col = modu.column(ref.numacc(u.base), "float")
        local got = { mean = S.mean(col), sd = col:sd(), acf1 = col:acf(1) }
        for _, k in ipairs({ "mean", "sd", "acf1" }) do
          local v, limit = lre(got[k], c[k]), math.min(13, lre(tonumber(u.ref[k]), c[k]) - 0.5)
          rep[#rep + 1] = ("%-13s %-16s %5.1f  (>= %.1f, certified)"):format(u.name, k, v, limit)
          if v < limit or v < c.limit then failures[#failures + 1] = ("%s %s: LRE %.1f"):format(u.name, k, v) end
        end
      end
    end
    assert.are.same({}, failures)
  end)

  it("variance with large offsets is exact", function()
    assert.are.equal(1, S.var({ 1e9 + 1, 1e9 + 2, 1e9 + 3 }))
    assert.are.equal(5 / 3, S.var({ 1e15 + 1, 1e15 + 2, 1e15 + 3, 1e15 + 4 }))
    assert.are.equal(0.25, S.var({ 1e15 + 0.5, 1e15 + 1, 1e15 + 1.5 }))
    assert.are.equal(1, S.sd({ 1e15 + 1, 1e15 + 2, 1e15 + 3 }))
  end)

  it("values near the ends of the double range neither overflow nor underflow", function()
    local big = 1.7976931348623157e308
    local function near(got, want) return math.abs(got - want) <= 1e-15 * math.abs(want) end
    assert.is_true(near(S.mean({ 1.7e308, 1.7e308, 1.6e308 }), 5e307 / 3 * 10))
    assert.is_true(near(S.mean({ big, -big, big }), big / 3))
    -- sd(17, 17, 16) = sqrt(1/3)
    assert.is_true(near(S.sd({ 1.7e308, 1.7e308, 1.6e308 }), 1e307 * math.sqrt(1 / 3)))
    assert.is_true(near(S.sd({ 1e-300, 2e-300, 3e-300 }), 1e-300))
    assert.are.equal(math.huge, S.var({ 1.7e308, 1.7e308, 1.6e308 })) -- 3.3e613: past the range
    -- cor((1, 2, 3), (1, 2, 4)) = 3 / sqrt(2 * 14 / 3), at any scale
    local r = 3 / math.sqrt(28 / 3)
    assert.is_true(near(S.cor({ 1e300, 2e300, 3e300 }, { 1, 2, 4 }), r))
    assert.is_true(near(S.cor({ 1e-300, 2e-300, 3e-300 }, { 1e300, 2e300, 4e300 }), r))
    assert.is_true(near(S.cov({ 1e-300, 2e-300, 3e-300 }, { 1e300, 2e300, 4e300 }), 1.5))
    -- skewness is scale-free: (1, 2, 4) at 1e200
    assert.is_true(near(S.skewness({ 1e200, 2e200, 4e200 }), S.skewness({ 1, 2, 4 })))
    assert.is_true(near(S.acf({ 1e200, 2e200, 4e200, 3e200 }, 1), 0.15))
  end)

  it("the column method and the grouped aggregates agree there", function()
    local function near(got, want) return math.abs(got - want) <= 1e-15 * math.abs(want) end
    local v = { 1.7e308, 1.7e308, 1.6e308, 1, 2, modu.NA, 4 }
    local df = modu.frame({ { "g", { 1, 1, 1, 2, 2, 2, 2 } }, { "v", v } })
    -- the whole column: (3 * 1.6666...e308 + 7) / 6, the small ones lost below the last digit
    assert.is_true(near(df.v:mean(), 5e308 / 6))
    assert.are.equal(S.mean(df.v), df.v:mean())
    local a = df:group_by("g"):agg({ m = "mean(v)", s = "sd(v)", w = "var(v)" })
    assert.is_true(near(a.m:to_table()[1], 5e307 / 3 * 10))
    assert.is_true(near(a.s:to_table()[1], 1e307 * math.sqrt(1 / 3)))
    assert.are.same({ math.huge, 7 / 3 }, a.w:to_table()) -- var(1, 2, 4) = 7/3
    assert.are.equal(7 / 3, a.m:to_table()[2])
    -- NaN stays NaN in a group, as in the column; tiny values keep their digits
    local nan = modu.frame({ { "g", { 1, 1, 1 } }, { "v", { 1.0, 0 / 0, 3.0 } } })
    local na = nan:group_by("g"):agg({ w = "var(v)", s = "sd(v)" })
    assert.is_true(na.w:to_table()[1] ~= na.w:to_table()[1] and na.s:to_table()[1] ~= na.s:to_table()[1])
    local tiny = modu.frame({ { "g", { 1, 1, 1, 1 } }, { "v", { 1e-170, 2e-170, 3e-170, 5e-170 } } })
    -- sd(1, 2, 3, 5) = sqrt(35/12)
    assert.is_true(near(tiny:group_by("g"):agg({ s = "sd(v)" }).s:to_table()[1], 1e-170 * math.sqrt(35 / 12)))
    assert.are.equal(tiny.v:sd(), tiny:group_by("g"):agg({ s = "sd(v)" }).s:to_table()[1])
    -- a group holding an inf keeps it
    local inf = modu.frame({ { "g", { 1, 1 } }, { "v", { math.huge, 1.7e308 } } })
    assert.are.equal(math.huge, inf:group_by("g"):agg({ m = "mean(v)" }).m:to_table()[1])
  end)

  it("the mean is the correctly rounded one, the same by every path", function()
    -- 8600 - 7018 + 13800 = 15382; 15382 / 3 = 5127.333..., whose nearest double is below
    -- the one a sum-then-correct mean gave
    local c = modu.column({ 8600, -7018, 13800 }, "float")
    assert.are.equal(15382 / 3, c:mean())
    assert.are.equal(15382 / 3, S.mean(c))
    assert.are.equal(15382 / 3, modu.frame({ { "v", c } }):agg({ m = "mean(v)" }).m:to_table()[1])
    -- values of a wide spread, many times: the three paths agree everywhere
    local r = modu.random.integers(3000, -1000000, 1000000, 11):to_table()
    for i = 1, #r - 2, 3 do
      local v = modu.column({ r[i] / 64, r[i + 1] / 64, r[i + 2] / 64 }, "float")
      local g = modu.frame({ { "v", v } }):agg({ m = "mean(v)" }).m:to_table()[1]
      assert.are.equal(g, v:mean())
      assert.are.equal(g, S.mean(v))
    end
  end)

  it("skewness and kurtosis with a mean that is not a double", function()
    -- three equal values and one a step d above: G1 = 2 and G2 = 4 whatever
    -- d is; here d is one unit in the last place of 1e9, so the mean
    -- 1e9 + d/4 is not representable
    local d = 2 ^ -23
    local x = { 1e9, 1e9 + d, 1e9, 1e9 }
    assert.is_true(math.abs(S.skewness(x) - 2) < 1e-13)
    assert.is_true(math.abs(S.kurtosis(x) - 4) < 1e-13)
    -- g1 = 2 / sqrt(3) and g2 = -2/3
    assert.is_true(math.abs(S.skewness(x, { adjusted = false }) - 2 / math.sqrt(3)) < 1e-13)
    assert.is_true(math.abs(S.kurtosis(x, { adjusted = false }) + 2 / 3) < 1e-13)
  end)

  it("constant data: NaN for shape, acf and correlation, never an error or inf", function()
    local function nan(v) return v ~= v end
    local c = { 2.5, 2.5, 2.5, 2.5, 2.5 }
    assert.is_true(nan(S.skewness(c)))
    assert.is_true(nan(S.kurtosis(c)))
    assert.is_true(nan(S.acf(c, 1)))
    assert.are.equal(0, S.var(c))
    for _, m in ipairs({ "pearson", "spearman", "kendall" }) do
      assert.is_true(nan(S.cor(c, { 1, 2, 3, 4, 5 }, m)), m)
      assert.is_true(nan(S.cor({ 1, 2, 3, 4, 5 }, c, m)), m)
      assert.is_true(nan(S.cor(c, c, m)), m)
    end
    assert.are.equal(0, S.cov(c, { 1, 2, 3, 4, 5 }))
  end)

  teardown(function()
    print("\nUnivariate LRE:")
    for _, line in ipairs(rep) do print("  " .. line) end
  end)
end)
