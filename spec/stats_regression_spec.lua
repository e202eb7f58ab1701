-- Specs for least squares: ols and polyfit against a fit worked by hand,
-- exact polynomial data, the rank check that names the collinear column,
-- NA rows, predict, the R-style summary, and misuse.
local modu = require "modu"
local support = require "spec.support"
local S = modu.stats
local NA = modu.NA
local raises = support.raises_match
local near = support.near

-- x = 1..5, y = 2 4 5 4 5: mean x 3, mean y 4; Sxx = 10, Sxy = 6, so b = 0.6,
-- a = 4 - 0.6 * 3 = 2.2; fitted 2.8 3.4 4.0 4.6 5.2; residuals -0.8 0.6 1.0
-- -0.6 -0.2, RSS = 2.4; TSS = 6, R^2 = 0.6; sigma^2 = 2.4 / 3 = 0.8;
-- se(b) = sqrt(0.8 / 10); se(a) = sqrt(0.8 (1/5 + 9/10)); F = 3.6 / 0.8 = 4.5
local df = modu.frame({ x = { 1, 2, 3, 4, 5 }, y = { 2, 4, 5, 4, 5 } })

describe("ols", function()
  local fit = S.ols(df, "y", { "x" })

  it("gives the coefficients, their errors, t and p (worked by hand)", function()
    assert.are.same({ "(Intercept)", "x" }, fit.terms)
    near(2.2, fit.coef[1])
    near(0.6, fit.coef[2])
    near(math.sqrt(0.8 * 1.1), fit.se[1])
    near(math.sqrt(0.08), fit.se[2])
    near(0.6 / math.sqrt(0.08), fit.t[2])
    -- p of t = 2.1213 on 3 df, as R gives it
    near(0.12402706265755457, fit.p[2], 1e-13)
    near(0.10074345608541986, fit.p[1], 1e-13)
  end)

  it("gives R^2, adjusted R^2, sigma, F and its p", function()
    near(0.6, fit.r2)
    near(1 - 0.4 * 4 / 3, fit.adj_r2)
    near(math.sqrt(0.8), fit.sigma)
    near(4.5, fit.f, 1e-13)
    near(0.12402706265755457, fit.f_p, 1e-13)
    assert.are.same({ 5, 2, 3, 1 }, { fit.n, fit.k, fit.df_resid, fit.df_model })
  end)

  it("gives fitted values and residuals aligned with the rows", function()
    local want_f, want_r = { 2.8, 3.4, 4.0, 4.6, 5.2 }, { -0.8, 0.6, 1.0, -0.6, -0.2 }
    for i = 1, 5 do
      near(want_f[i], fit.fitted[i], 1e-14, "fitted " .. i)
      near(want_r[i], fit.residuals[i], 1e-14, "residual " .. i)
    end
  end)

  it("leaves out rows with NA and says so", function()
    local d = modu.frame({ x = { 1, 2, NA, 3, 4, 5 }, y = { 2, 4, 9, 5, 4, 5 } })
    local f = S.ols(d, "y", "x")
    near(0.6, f.coef[2])
    assert.are.same({ 5, 1 }, { f.n, f.dropped })
    assert.are.equal(NA, f.fitted[3])
    assert.matches("%(1 observations deleted due to missingness%)", f:summary())
  end)

  it("without an intercept reports the uncentered R^2", function()
    -- y = 2 x + e through the origin: b = sum xy / sum x^2
    local d = modu.frame({ x = { 1, 2, 3 }, y = { 2.5, 3.5, 6.5 } })
    local f = S.ols(d, "y", { "x" }, { intercept = false })
    near((2.5 + 7 + 19.5) / 14, f.coef[1])
    local b = f.coef[1]
    local rss = (2.5 - b) ^ 2 + (3.5 - 2 * b) ^ 2 + (6.5 - 3 * b) ^ 2
    near(1 - rss / (2.5 ^ 2 + 3.5 ^ 2 + 6.5 ^ 2), f.r2, 1e-13)
    assert.are.same({ 1, 2 }, { f.df_model, f.df_resid })
    assert.matches("uncentered", f:summary())
  end)

  it("recovers exact coefficients of several regressors", function()
    local x1, x2, y = {}, {}, {}
    for i = 1, 20 do
      x1[i], x2[i] = i, (i * 7) % 11
      y[i] = 3 - 2 * x1[i] + 0.5 * x2[i]
    end
    local f = S.ols(modu.frame({ x1 = x1, x2 = x2, y = y }), "y", { "x1", "x2" })
    near(3, f.coef[1], 1e-15)
    near(-2, f.coef[2], 1e-15)
    near(0.5, f.coef[3], 1e-15)
    assert.are.equal(1, f.r2)
  end)

  it("names the column that is a combination of the ones before it", function()
    local d = modu.frame({ a = { 1, 2, 3, 4, 5 }, b = { 2, 1, 4, 3, 6 }, c = { 3, 3, 7, 7, 11 },
                           k = { 2, 2, 2, 2, 2 }, y = { 1, 3, 2, 5, 4 } })
    raises("^ols: 'c' is collinear with %(Intercept%), a, b", S.ols, d, "y", { "a", "b", "c" })
    raises("^ols: 'k' is collinear with %(Intercept%)", S.ols, d, "y", { "a", "k" })
    raises("^ols: 'a' is collinear with nothing: it is all zeros", S.ols,
      modu.frame({ a = { 0, 0, 0 }, y = { 1, 2, 3 } }), "y", "a", { intercept = false })
  end)

  it("predicts from a frame with the same columns", function()
    local p = fit:predict(df)
    for i = 1, 5 do near(fit.fitted[i], p[i], 1e-14) end
    local q = fit:predict(modu.frame({ x = { 10, NA } }))
    near(8.2, q[1], 1e-14)
    assert.are.equal(NA, q[2])
    raises("^predict: no column 'x'", fit.predict, fit, modu.frame({ z = { 1 } }))
  end)

  it("prints a summary like R's summary(lm)", function()
    local s = tostring(fit)
    assert.matches("^Call:\nols%(y ~ x%)\n\nResiduals:\n", s)
    assert.matches("\nCoefficients:\n%s+Estimate Std%. Error t value Pr%(>|t|%)\n", s)
    assert.matches("\n%(Intercept%)%s+2%.2%s+0%.9381%s+2%.345%s+0%.101\n", s)
    assert.matches("\nx%s+0%.6%s+0%.2828%s+2%.121%s+0%.124\n", s)
    assert.matches("Residual standard error: 0%.8944 on 3 degrees of freedom", s)
    assert.matches("Multiple R%-squared:  0%.6,\tAdjusted R%-squared:  0%.4667", s)
    assert.matches("F%-statistic: 4%.5 on 1 and 3 DF,  p%-value: 0%.124", s)
    local c = fit:coefficients()
    assert.are.same({ "term", "estimate", "std_error", "t_value", "p_value" }, c:names())
  end)

  it("aligns the coefficient table by display width, Chinese term names too", function()
    local cn = modu.frame({ { "企业数", { 1.0, 2, 4, 3, 5 } }, { "年份", { 1, 2, 3, 4, 5 } } })
    local s = modu.stats.ols(cn, "企业数", { "年份" }):summary()
    local head = s:match("\n(%s+Estimate[^\n]*)\n")
    local row = s:match("\n(年份[^\n]*)\n")
    assert.is_truthy(head and row)
    local W = modu.text.width
    assert.are.equal(W(head), W((row:gsub(" %*+$", "")))) -- the stars stand beyond the last column
    assert.are.equal(W(head), W(s:match("\n(%(Intercept%)[^\n]*)\n")))
  end)

  it("rejects what it cannot fit, naming the argument", function()
    local d = modu.frame({ x = { 1, 2, 3 }, y = { 1, 2, 4 }, s = { "a", "b", "c" } })
    raises("^ols: y: no column 'z' %(columns: s, x, y%)", S.ols, d, "z", "x")
    raises("^ols: xs: column 's' is str; it must be numeric", S.ols, d, "y", { "s" })
    raises("^ols: 2 complete rows for 2 coefficients", S.ols, modu.frame({ x = { 1, 2 }, y = { 1, 2 } }), "y", "x")
    raises("^ols: xs must be a column name or an array of them, got number", S.ols, d, "y", 3)
    raises("^ols: self must be a modu%.Frame", S.ols, {}, "y", "x")
  end)
end)

describe("polyfit", function()
  it("recovers an exact polynomial to the last digit, up to degree 10", function()
    for _, deg in ipairs({ 3, 5, 10 }) do
      local x, y = {}, {}
      for i = 0, 20 do
        x[#x + 1] = i
        local s = 0
        for k = 0, deg do s = s + (k % 2 == 0 and 1 or -1) * i ^ k end
        y[#y + 1] = s
      end
      local fit = S.polyfit(x, y, deg)
      for k = 0, deg do near(k % 2 == 0 and 1 or -1, fit.coef[k + 1], 1e-12, ("degree %d x^%d"):format(deg, k)) end
    end
  end)

  it("predicts numbers and columns by Horner's rule", function()
    local fit = S.polyfit({ 0, 1, 2, 3 }, { 1, 2, 5, 10 }, 2) -- 1 + x^2
    near(26, fit:predict(5), 1e-14)
    local p = fit:predict({ 4, NA })
    near(17, p[1], 1e-14)
    assert.are.equal(NA, p[2])
    assert.are.same({ "(Intercept)", "x", "x^2" }, fit.terms)
    assert.matches("^Call:\npolyfit%(y ~ x, degree = 2%)", fit:summary())
  end)

  it("needs enough points and distinct x", function()
    raises("^polyfit: degree 3 needs at least 5 points, got 3 complete pairs", S.polyfit, { 1, 2, 3 }, { 1, 2, 3 }, 3)
    raises("^polyfit: 'x%^2' is collinear with %(Intercept%), x", S.polyfit, { 1, 1, 2, 2, 2 }, { 1, 2, 3, 4, 5 }, 2)
    raises("^polyfit: degree must be an integer from 0 to 30, got 1.5", S.polyfit, { 1, 2 }, { 1, 2 }, 1.5)
  end)
end)
