--- modu.stats: the result objects of the statistics in modu.core.stats.
-- Every computation is C; this file gives fits, trends and crossings a shape
-- (predict, summary printing like R's summary(lm), the stated assumption of
-- a crossing) and parses the per-group statistics of `summarise`.
-- @module modu.stats
local core = require "modu.core"
local text = require "modu.text"

local C = core.stats
local NA = core.NA

--- The functions below come straight from C. x, y, t, a, b are columns or
-- Lua arrays of numbers; NA is skipped (and where pairs are needed, only
-- the rows where both sides are present count: pairwise complete).
--
-- Descriptive (also Column methods): `mean(x)`, `var(x, ddof = 1)`,
-- `sd(x, ddof)`, `quantile(x, p | {p...}, type = 7)` (the nine Hyndman-Fan
-- types, by selection), `median(x)`, `iqr(x, type)`, `mad(x, constant =
-- 1.4826)`, `skewness(x, { adjusted = true })` (G1; g1 when not adjusted),
-- `kurtosis(x, { adjusted = true })` (excess: G2, or g2), `mode(x)` (value,
-- count; ties to the smallest), `acf(x, lag = 1)` (NIST's definition; pairs
-- with an NA skipped), `range(x)` (max - min). A statistic of too few values
-- is NA; NaN in the data gives NaN. Constant data: var and sd 0, skewness,
-- kurtosis and acf NaN (no spread to divide by), never an error. Values
-- near the ends of the double range (beyond 1e154, below 1e-154) are
-- rescaled by a power of two where squares would overflow or underflow:
-- mean and sd stay finite whenever the answer is (var, a square, may not).
--
-- Association: `cov(x, y, ddof)`, `cor(x, y, "pearson"|"spearman"|"kendall")`
-- (Spearman: average ranks for ties; Kendall: tau-b by merge-sort counting,
-- O(n log n); NaN when either side has no spread: constant, or all ties);
-- `df:cor(method)` is the matrix of the int and float columns,
-- `df:describe()` a row per column.
--
-- Distributions: `dist.normal|t|chisq|f.cdf|sf|pdf|quantile|isf(x, params)`
-- with params (mean = 0, sd = 1), (df), (df) and (df1, df2); sf is the upper
-- tail and isf its inverse, each accurate on its own. x may be a column.
--
-- Growth: `growth(x, lag = 1)`, `cagr(v0, v1, years)`, `doubling_time(rate)`
-- or `doubling_time(t, y)` (from a log-linear trend).
--
-- Regional economics: `shares(x)`, `hhi(x)` (returns raw and normalised),
-- `cr(x, k)`, `location_quotient(df, { region, industry, value })` or
-- `location_quotient(local, local_total, national, national_total)`,
-- `shift_share(df, { region, industry, start, finish, detail = false })`
-- (national, industry-mix and competitive parts; the frame's rows are the
-- nation), `per_capita(x, population, scale = 1)`.
--
-- Normalisation (larger is better for direction 1, else -1):
-- `minmax(x, direction)` (0..100), `zscore`, `rank` (average ranks),
-- `distance_to_leader` (leader = 100), `winsorize(x, p = 0.05, direction)`,
-- and `normalize(x, method, { direction, p })`.
local S = {}
for k, v in pairs(C) do
  if not k:match("^index_") and k ~= "by" then S[k] = v end
end

local function is_na(v) return rawequal(v, NA) end

-- numbers as R prints them in a summary: 4 significant digits
local function g4(v)
  if is_na(v) or v ~= v then return "NA" end
  if v == math.huge then return "Inf" end
  if v == -math.huge then return "-Inf" end
  return ("%.4g"):format(v)
end

local function pval(p)
  if is_na(p) or p ~= p then return "NA" end
  if p < 2.2e-16 then return "<2e-16" end
  return ("%.3g"):format(p)
end

local function stars(p)
  if is_na(p) or p ~= p then return "" end
  return p < 0.001 and "***" or p < 0.01 and "**" or p < 0.05 and "*" or p < 0.1 and "." or ""
end

-- padded to w terminal columns (a term may be a Chinese column name)
local function pad(s, w, left) return text.pad(s, w, left and "left" or "right") end

-- ---------------------------------------------------------------------------
-- least-squares fits

--- A least-squares fit (from `ols` or `polyfit`).
-- Fields: terms, coef, se, t, p (arrays in term order), n, k, df_resid,
-- df_model, r2, adj_r2 (uncentered without an intercept, as NIST certifies),
-- sigma (residual standard deviation), f, f_p, rss, tss, fitted and residuals
-- (columns aligned with the input rows, NA on rows left out for NA).
-- @type Fit
local Fit = { __name = "modu.stats.Fit" }
Fit.__index = Fit

local function fit_call(fit)
  if fit.degree then return ("polyfit(y ~ x, degree = %d)"):format(fit.degree) end
  return ("ols(%s ~ %s%s)"):format(fit.y, #fit.xs > 0 and table.concat(fit.xs, " + ") or "1",
    fit.intercept and "" or " - 1")
end

--- The coefficient table as a frame: term, estimate, std_error, t_value, p_value.
function Fit:coefficients()
  return core.frame({ { "term", self.terms }, { "estimate", self.coef }, { "std_error", self.se },
                      { "t_value", self.t }, { "p_value", self.p } })
end

--- Predictions for new data: a frame holding the x columns (ols), or the x
-- values as a column, an array or a number (polyfit). NA propagates.
function Fit:predict(new)
  local coef = self.coef
  if self.degree then
    if type(new) == "number" then
      local v = 0
      for j = #coef, 1, -1 do v = v * new + coef[j] end
      return v
    end
    local x = core.column(new)
    local v = x * 0.0 + coef[#coef]
    for j = #coef - 1, 1, -1 do v = v * x + coef[j] end
    return v
  end
  if getmetatable(new) ~= getmetatable(core.frame({})) then
    error(("predict: expected a frame with the columns %s, got %s"):format(table.concat(self.xs, ", "), type(new)), 2)
  end
  local v
  local off = self.intercept and 1 or 0
  for j, name in ipairs(self.xs) do
    local ok, col = pcall(new.col, new, name)
    if not ok then error("predict: " .. tostring(col):gsub("^col: ", ""), 2) end
    local term = col * coef[j + off]
    v = v and v + term or term
  end
  if self.intercept then
    if v then return v + coef[1] end
    local ones = {}
    for i = 1, #new do ones[i] = coef[1] end
    return core.column(ones, "float")
  end
  return v
end

--- The fit summarised as R's summary(lm) prints it.
function Fit:summary()
  local out = { "Call:", fit_call(self), "", "Residuals:" }
  local q = self.residuals:quantile({ 0, 0.25, 0.5, 0.75, 1 })
  local heads = { "Min", "1Q", "Median", "3Q", "Max" }
  local vals = {}
  for i = 1, 5 do vals[i] = g4(q[i]) end
  local w = 0
  for i = 1, 5 do w = math.max(w, #vals[i], #heads[i]) end
  local h, v = {}, {}
  for i = 1, 5 do h[i], v[i] = pad(heads[i], w), pad(vals[i], w) end
  out[#out + 1] = table.concat(h, " ")
  out[#out + 1] = table.concat(v, " ")
  out[#out + 1] = ""
  out[#out + 1] = "Coefficients:"
  local rows = { { "", "Estimate", "Std. Error", "t value", "Pr(>|t|)", "" } }
  for j, term in ipairs(self.terms) do
    local t = self.t[j]
    rows[#rows + 1] = { term, g4(self.coef[j]), g4(self.se[j]),
                        (is_na(t) or t ~= t) and "NA" or ("%.3f"):format(t), pval(self.p[j]), stars(self.p[j]) }
  end
  local widths = {}
  for _, r in ipairs(rows) do
    for c, s in ipairs(r) do widths[c] = math.max(widths[c] or 0, text.width(s)) end
  end
  for _, r in ipairs(rows) do
    local cells = { pad(r[1], widths[1], true) }
    for c = 2, 5 do cells[c] = pad(r[c], widths[c]) end
    cells[6] = r[6]
    out[#out + 1] = (table.concat(cells, " "):gsub("%s+$", ""))
  end
  out[#out + 1] = "---"
  out[#out + 1] = "Signif. codes:  0 '***' 0.001 '**' 0.01 '*' 0.05 '.' 0.1 ' ' 1"
  out[#out + 1] = ""
  out[#out + 1] = ("Residual standard error: %s on %d degrees of freedom"):format(g4(self.sigma),
    math.tointeger(self.df_resid) or self.df_resid)
  if self.dropped > 0 then
    out[#out + 1] = ("  (%d observations deleted due to missingness)"):format(self.dropped)
  end
  out[#out + 1] = ("Multiple R-squared:  %s,\tAdjusted R-squared:  %s%s"):format(g4(self.r2), g4(self.adj_r2),
    self.intercept and "" or "  (uncentered: no intercept)")
  if not is_na(self.f) then
    out[#out + 1] = ("F-statistic: %s on %d and %d DF,  p-value: %s"):format(g4(self.f),
      math.tointeger(self.df_model) or self.df_model, math.tointeger(self.df_resid) or self.df_resid, pval(self.f_p))
  end
  return table.concat(out, "\n")
end

Fit.__tostring = Fit.summary

--- Least squares of y on the xs columns of df, by Householder QR.
-- Rows with NA in any of them are left out (listwise): `fit.n` counts the
-- rows used, `fit.dropped` the others, whose fitted values and residuals
-- are NA. A column in the span of those before it (to working precision) is
-- an error that names it; so is having no more complete rows than
-- coefficients (zero residual degrees of freedom). The coefficients and
-- residuals are refined in doubled precision; so are the standard errors
-- when the design is ill-conditioned and n * k^2 <= 4e6 (beyond, they are
-- as good as QR gives: about 16 - log10(condition number) digits). A
-- perfect fit (coefficients that reproduce y exactly) has residuals and
-- standard errors exactly 0, R^2 = 1, t and F infinite with p-values 0.
-- @tparam modu.Frame df
-- @tparam string y
-- @tparam string|{string,...} xs
-- @tparam[opt] table opts `{ intercept = true }`
-- @treturn Fit
function S.ols(df, y, xs, opts)
  local fit = C.ols(df, y, xs, opts)
  fit.y = y
  fit.xs = type(xs) == "string" and { xs } or { table.unpack(xs) }
  return setmetatable(fit, Fit)
end

--- Least squares of y on 1, x, ..., x^degree (pairs with NA left out).
-- The powers are formed in doubled precision and the refinement uses them,
-- so the fit is that of the exact polynomial design (14+ digits on NIST's
-- Filip), not of powers rounded to doubles: `ols` on such columns can do no
-- better than their rounding allows (about 8 digits on Filip).
function S.polyfit(x, y, degree)
  local fit = C.polyfit(x, y, degree)
  fit.degree = degree
  fit.y, fit.xs = "y", { "x" }
  return setmetatable(fit, Fit)
end

-- ---------------------------------------------------------------------------
-- trends and crossings

--- A fitted trend: y = a + b t (linear) or ln y = a + b t (log).
-- Fields: method, intercept, slope, se_slope, r2, n; for log also rate (the
-- growth per unit of t, e^b - 1) and doubling_time.
-- @type Trend
local Trend = { __name = "modu.stats.Trend" }
Trend.__index = Trend

--- The trend's value at t (a number, a column or an array).
function Trend:predict(t)
  if type(t) == "number" then
    local v = self.intercept + self.slope * t
    return self.method == "log" and math.exp(v) or v
  end
  local v = core.column(t) * self.slope + self.intercept
  if self.method == "log" then
    local e = {}
    for i, x in ipairs(v:to_table()) do e[i] = is_na(x) and NA or math.exp(x) end
    return core.column(e, "float")
  end
  return v
end

function Trend:__tostring()
  if self.method == "log" then
    return ("log trend: ln y = %s + %s t (growth %s%% per unit of t, doubling in %s; R^2 %s, n = %d)"):format(
      g4(self.intercept), g4(self.slope), g4(self.rate * 100), g4(self.doubling_time), g4(self.r2), self.n)
  end
  return ("linear trend: y = %s + %s t (R^2 %s, n = %d)"):format(g4(self.intercept), g4(self.slope), g4(self.r2),
    self.n)
end

--- Fits a linear or log-linear trend of y on t.
function S.trend(t, y, method)
  return setmetatable(C.trend(t, y, method), Trend)
end

--- When a overtook b.
-- If a is level or ahead at the last observation, the time is the last
-- crossing from behind, interpolated between the observations on either side
-- of it: linearly (method "linear") or at constant growth rates ("log").
-- If a is still behind, the time is projected from trends fitted to the last
-- `window` observations (all by default), assumed to continue. Either way the
-- result says which, in `kind` ("interpolated", "projected" or "none") and
-- in words, in `assumption`. Rows with NA are left out.
-- Fields: time, kind, method, before and after ({ t, a, b } observations),
-- crossings (every change of lead: { time, up }), assumption, and for
-- projections trend_a and trend_b.
-- @param t times (a column or an array of numbers)
-- @param a series a
-- @param b series b
-- @tparam[opt] table opts `{ method = "linear"|"log", window = k, labels = { "a", "b" } }`
function S.crossing(t, a, b, opts)
  local r = C.crossing(t, a, b, opts)
  local labels = type(opts) == "table" and opts.labels or {}
  local na, nb = labels[1] or "a", labels[2] or "b"
  r.labels = { na, nb }
  if r.kind == "interpolated" then
    local how = r.method == "log" and "grow at constant rates" or "change linearly"
    r.assumption = ("%s and %s %s between the observations at t = %s and t = %s"):format(na, nb, how,
      g4(r.before.t), g4(r.after.t))
  elseif r.kind == "projected" then
    local function rate(tr)
      if r.method == "log" then return ("%s%% per unit of t"):format(g4(tr.rate * 100)) end
      return ("%s per unit of t"):format(g4(tr.slope))
    end
    r.assumption = ("projected: %s trends fitted to the observations from t = %s to t = %s are assumed to continue " ..
      "(%s %s, %s %s); %s is behind at the last observation"):format(r.method == "log" and "log-linear" or "linear",
      g4(r.fit_from), g4(r.last_t), na, rate(r.trend_a), nb, rate(r.trend_b), na)
  else
    r.assumption = r.reason:gsub("^a was never behind b", na .. " was never behind " .. nb)
      :gsub("^b's", nb .. "'s"):gsub(" as a's", " as " .. na .. "'s")
    r.time = NA
  end
  return setmetatable(r, {
    __name = "modu.stats.Crossing",
    __tostring = function(self)
      if self.kind == "none" then return ("no crossing: %s"):format(self.assumption) end
      return ("%s overtakes %s at t = %s (%s)"):format(na, nb, g4(self.time), self.assumption)
    end,
  })
end

-- ---------------------------------------------------------------------------
-- per-group statistics

local defaults = {
  var = 1, sd = 1, mad = 1.4826, acf = 1, quantile = false,
}

--- Statistics per group that the expression language does not have.
-- spec maps result names to "stat(column[, param[, type]])" with stat one of
-- var, sd (param: ddof), quantile (p, type), median, iqr (type), mad
-- (constant), skewness, kurtosis (bias-adjusted), range, mean, min, max,
-- count, acf (lag). A keyed spec gives sorted result names; an array of
-- { name, "stat(col)" } pairs keeps its order.
-- @usage modu.stats.summarise(df, "city", { skew = "skewness(firms)", p90 = "quantile(firms, 0.9)" })
function S.summarise(df, by, spec)
  if type(by) == "string" then by = { by } end
  if type(by) ~= "table" then
    error(("summarise: by must be a column name or an array of them, got %s"):format(type(by)), 2)
  end
  if type(spec) ~= "table" then
    error(("summarise: spec must be a table of \"stat(column)\" strings, got %s"):format(type(spec)), 2)
  end
  local pairs_list = {}
  if spec[1] ~= nil then
    for i, p in ipairs(spec) do
      if type(p) ~= "table" then
        error(("summarise: entry %d must be a { name, \"stat(column)\" } pair"):format(i), 2)
      end
      pairs_list[i] = p
    end
  else
    for k, v in pairs(spec) do pairs_list[#pairs_list + 1] = { k, v } end
    table.sort(pairs_list, function(x, y) return tostring(x[1]) < tostring(y[1]) end)
  end
  local names, stats, cols, params, types = {}, {}, {}, {}, {}
  for i, p in ipairs(pairs_list) do
    local name, src = p[1], p[2]
    if type(name) ~= "string" or type(src) ~= "string" then
      error(("summarise: entry %d must map a name to a string such as \"sd(x)\""):format(i), 2)
    end
    local stat, args = src:match("^%s*([%a_]+)%s*%((.*)%)%s*$")
    if not stat then error(("summarise: '%s' is not of the form stat(column[, param])"):format(src), 2) end
    local parts = {}
    for a in (args .. ","):gmatch("%s*([^,]-)%s*,") do parts[#parts + 1] = a end
    local param = defaults[stat] or 0
    local qtype = (stat == "skewness" or stat == "kurtosis") and 1 or 7
    if parts[2] and parts[2] ~= "" then
      param = tonumber(parts[2])
      if not param then error(("summarise: '%s': the parameter must be a number"):format(src), 2) end
    elseif stat == "quantile" then
      error(("summarise: '%s': quantile needs a probability, as in quantile(x, 0.9)"):format(src), 2)
    end
    if stat == "iqr" and parts[2] and parts[2] ~= "" then qtype, param = math.tointeger(param) or 7, 0 end
    if parts[3] and parts[3] ~= "" then qtype = math.tointeger(tonumber(parts[3])) or 7 end
    names[i], stats[i], cols[i], params[i], types[i] = name, stat, parts[1], param, qtype
  end
  local ok, r = pcall(C.by, df, by, names, stats, cols, params, types)
  if not ok then error((tostring(r):gsub("^by: ", "summarise: ")), 2) end
  return r
end

return S
