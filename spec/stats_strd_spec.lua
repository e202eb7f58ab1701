-- NIST StRD acceptance: every data set in ../shared/reference/strd/ against
-- its certified values, as LRE (agreeing significant digits). Prints a table
-- of every LRE. Univariate: mean, sd, acf1 >= 13. Regression: coefficients,
-- their standard deviations, residual sd and R^2 >= the issue's targets;
-- a regression file not named there must still reach 6.
local modu = require "modu"
local lfs = require "lfs"
local S = modu.stats

local DIR = "../shared/reference/strd/"

local TARGET = { Norris = 12, NoInt1 = 12, NoInt2 = 12, Pontius = 11, Longley = 11, Wampler2 = 11, Wampler1 = 9 }
local DEFAULT_TARGET = 6

-- agreeing significant digits; a certified 0 counts absolute digits; capped at 15
local lre = require("spec.support").lre

local function read_cert(name)
  local cert = {}
  for line in io.lines(DIR .. name .. ".cert") do
    if not line:match("^%s*#") then
      for k, v in line:gmatch("([%w_]+)=(%S+)") do
        cert[k] = tonumber(v) or v
      end
    end
  end
  return cert
end

-- the rows after the last line that starts with "Data:"
local function read_data(name)
  local rows = {}
  for line in io.lines(DIR .. name .. ".dat") do
    if line:match("^Data:") then
      rows = {}
    else
      local row = {}
      for tok in line:gmatch("%S+") do row[#row + 1] = tonumber(tok) end
      if #row > 0 and #row == select(2, line:gsub("%S+", "")) then rows[#rows + 1] = row end
    end
  end
  return rows
end

local function datasets()
  local names = {}
  assert.is_truthy(lfs.attributes(DIR), "the NIST reference directory " .. DIR .. " is missing")
  for f in lfs.dir(DIR) do
    local name = f:match("^(.+)%.cert$")
    if name then names[#names + 1] = name end
  end
  table.sort(names)
  return names
end

local report = {}
local function record(set, what, value, target)
  report[#report + 1] = ("%-9s %-14s %5.1f  (>= %d)"):format(set, what, value, target)
end

describe("NIST StRD", function()
  local names = datasets()

  it("finds the reference files", function()
    assert.is_true(#names >= 13, "expected the 13 StRD files, found " .. #names)
  end)

  it("univariate: mean, sd and acf1 to 13 digits or more", function()
    local failures, seen = {}, 0
    for _, name in ipairs(names) do
      local cert = read_cert(name)
      if cert.kind == "univariate" then
        seen = seen + 1
        local y = {}
        for i, row in ipairs(read_data(name)) do y[i] = row[1] end
        assert.are.equal(cert.n, #y, name .. ": row count")
        local col = modu.column(y, "float")
        local got = { mean = S.mean(col), sd = col:sd(), acf1 = col:acf(1) }
        for _, k in ipairs({ "mean", "sd", "acf1" }) do
          local v = lre(got[k], cert[k])
          record(name, k, v, 13)
          if v < 13 then failures[#failures + 1] = ("%s %s: LRE %.1f"):format(name, k, v) end
        end
      end
    end
    assert.is_true(seen >= 7, "univariate sets found: " .. seen)
    assert.are.same({}, failures)
  end)

  it("regression: coefficients, their sds, residual sd and R^2", function()
    local failures, seen = {}, 0
    for _, name in ipairs(names) do
      local cert = read_cert(name)
      if cert.kind == "regression" then
        seen = seen + 1
        local target = TARGET[name] or DEFAULT_TARGET
        local rows = read_data(name)
        assert.are.equal(cert.n, #rows, name .. ": row count")
        local degree = tonumber(tostring(cert.model):match("polynomial_degree_(%d+)"))
        local intercept = cert.intercept == "yes"
        -- the design: x^1 .. x^degree for polynomials, else the file's columns
        local cols, xs = { { "y", {} } }, {}
        local ncol = degree or (#rows[1] - 1)
        for j = 1, ncol do
          cols[j + 1] = { "x" .. j, {} }
          xs[j] = "x" .. j
        end
        for i, row in ipairs(rows) do
          cols[1][2][i] = row[1]
          for j = 1, ncol do
            local v = degree and row[2] ^ j or row[j + 1]
            cols[j + 1][2][i] = v + 0.0
          end
        end
        local fits = { ols = S.ols(modu.frame(cols), "y", xs, { intercept = intercept }) }
        if degree and intercept then
          local x, y = {}, {}
          for i, row in ipairs(rows) do x[i], y[i] = row[2], row[1] end
          fits.polyfit = S.polyfit(x, y, degree)
        end
        for _, how in ipairs({ "ols", "polyfit" }) do
          local fit = fits[how]
          if fit then
            local worst = { coef = 15, sd = 15 }
            for k = 1, fit.k do
              local b = intercept and k - 1 or k
              worst.coef = math.min(worst.coef, lre(fit.coef[k], cert["b" .. b]))
              worst.sd = math.min(worst.sd, lre(fit.se[k], cert["sd_b" .. b]))
            end
            worst.residual_sd = lre(fit.sigma, cert.residual_sd)
            worst.r2 = lre(fit.r2, cert.r2)
            for _, k in ipairs({ "coef", "sd", "residual_sd", "r2" }) do
              record(name, how .. " " .. k, worst[k], target)
              if worst[k] < target then
                failures[#failures + 1] = ("%s %s %s: LRE %.1f < %d"):format(name, how, k, worst[k], target)
              end
            end
          end
        end
      end
    end
    assert.is_true(seen >= 7, "regression sets found: " .. seen)
    assert.are.same({}, failures)
  end)

  teardown(function()
    print("\nNIST StRD LRE (min over the coefficients for coef and sd):")
    for _, line in ipairs(report) do print("  " .. line) end
  end)
end)
