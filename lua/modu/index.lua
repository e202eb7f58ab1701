--- modu.index: composite indicators as the OECD/JRC handbook describes them,
-- with the uncertainty of their ranks. The scores, ranks and Monte Carlo
-- draws are computed in C (modu.core.stats.index_*); this file shapes them.
-- @module modu.index
local core = require "modu.core"

local C = core.stats
local NA = core.NA
local M = {}

local Index = { __name = "modu.Index" }

-- keys of the spec that build reads, copied so that later changes to the
-- caller's table do not change the index
local spec_keys = { "data", "unit", "indicators", "normalize", "aggregate", "missing", "min_coverage", "winsorize" }

local function copy_spec(spec)
  local s = {}
  for _, k in ipairs(spec_keys) do s[k] = spec[k] end
  if type(spec.indicators) == "table" then
    local inds = {}
    for i, v in ipairs(spec.indicators) do
      if type(v) == "table" then
        inds[i] = { name = v.name, direction = v.direction, weight = v.weight }
      else
        inds[i] = v
      end
    end
    s.indicators = inds
  end
  for k in pairs(spec) do
    if type(k) ~= "string" or not (k == "data" or k == "unit" or k == "indicators" or k == "normalize"
      or k == "aggregate" or k == "missing" or k == "min_coverage" or k == "winsorize") then
      error(("build: unknown spec key '%s' (keys: %s)"):format(tostring(k), table.concat(spec_keys, ", ")), 3)
    end
  end
  return s
end

local function frame(cols) return core.frame(cols) end

--- Builds a composite index.
-- @tparam table spec `{ data = df, unit = "city", indicators = { { name =, direction = 1, weight = 1 }, ... },
--   normalize = "minmax"|"zscore"|"rank"|"distance_to_leader", aggregate = "arithmetic"|"geometric",
--   missing = "exclude"|"mean"|"min", min_coverage = 2/3, winsorize = 0 }`
-- Units with a share of indicators present below min_coverage are listed as
-- not ranked (NA score and rank), never dropped. Normalisation uses the
-- ranked units only. With missing = "exclude" a unit's score is the
-- weighted mean over the indicators it has; "mean" and "min" impute the
-- normalised mean or minimum of the indicator first. Geometric aggregation
-- puts min-max on [1, 100] so that the worst value does not zero a score.
-- Ties share the best rank.
-- @treturn Index printing as a frame of unit, score, rank, coverage (best first)
function M.build(spec)
  if type(spec) ~= "table" then error(("build: expected a spec table, got %s"):format(type(spec)), 2) end
  local s = copy_spec(spec)
  local ok, r = pcall(C.index_build, s)
  if not ok then error((tostring(r):gsub("^index%.build: ", "build: ")), 2) end
  local self = setmetatable({ spec = s, names = r.names, raw = r }, Index)
  local ranked = {}
  for i, v in ipairs(r.rank:to_table()) do ranked[i] = v ~= NA end
  self.table = frame({ { s.unit, r.unit }, { "score", r.score }, { "rank", r.rank },
                       { "coverage", r.coverage }, { "ranked", ranked } }):sort("rank")
  local unranked = {}
  for _, row in ipairs(self.table:filter(self.table.ranked:bnot()):to_rows()) do
    unranked[#unranked + 1] = tostring(row[s.unit])
  end
  self.unranked = unranked
  return self
end

--- The result frame (unit, score, rank, coverage, ranked), best first.
function Index:frame() return self.table end

--- Which indicators carry each score: per unit, arithmetic aggregation gives
-- points that add up to the score; geometric gives factors whose product is
-- the score. NA where the unit lacks the indicator (or is not ranked).
function Index:contributions()
  local r = self.raw
  local cols = { { self.spec.unit, r.unit }, { "score", r.score }, { "rank", r.rank } }
  for j, name in ipairs(self.names) do
    if name == self.spec.unit or name == "score" or name == "rank" then name = name .. "_contribution" end
    cols[#cols + 1] = { name, r.contrib[j] }
  end
  return frame(cols):sort("rank")
end

--- Monte Carlo uncertainty of the ranks.
-- Each draw takes weights (a flat Dirichlet by default: every weighting of
-- the indicators equally likely; `{ dirichlet = c }` centres them on the
-- given weights, larger c tighter; `{ jitter = h }` multiplies each by a
-- uniform factor in [1 - h, 1 + h]; "fixed" keeps them), one normalisation
-- and one aggregation from the lists given (default: the index's own), and
-- ranks the units. The same seed gives the same draws.
-- @tparam[opt] table opts `{ draws = 1000, weights = "dirichlet", normalize = {...}, aggregate = {...}, seed = 1 }`
-- @treturn modu.Frame unit, rank, median_rank, rank_p05, rank_p95 (the 5-95 % interval), p_first, mean_rank
function Index:sensitivity(opts)
  if opts ~= nil and type(opts) ~= "table" then
    error(("sensitivity: options must be a table, got %s"):format(type(opts)), 2)
  end
  local o = {}
  for k, v in pairs(opts or {}) do o[k] = v end
  local ok, r = pcall(C.index_sensitivity, copy_spec(self.spec), o)
  if not ok then error(tostring(r), 2) end
  local raw = self.raw
  local df = frame({ { self.spec.unit, raw.unit }, { "rank", raw.rank }, { "median_rank", r.median_rank },
                     { "rank_p05", r.rank_lo }, { "rank_p95", r.rank_hi }, { "p_first", r.p_first },
                     { "mean_rank", r.mean_rank } })
  return df:sort("rank")
end

function Index:__tostring()
  local s = tostring(self.table)
  if #self.unranked > 0 then
    s = s .. ("\nnot ranked (coverage below %.3g): %s"):format(self.spec.min_coverage or 2 / 3,
      table.concat(self.unranked, ", "))
  end
  return s
end

function Index:__len() return #self.table end

-- idx.score, idx:head(3), ...: what the result frame has
function Index:__index(k)
  local m = Index[k]
  if m ~= nil then return m end
  local t = rawget(self, "table")
  local v = t[k]
  if type(v) == "function" then return function(_, ...) return v(t, ...) end end
  return v
end

M.Index = Index
return M
