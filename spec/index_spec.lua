-- Specs for modu.index: a toy index whose scores, ranks and contributions are
-- worked by hand, coverage and the missing-value rules, and the sensitivity
-- analysis (same seed, same answer; a dominant unit first in every draw).
local modu = require "modu"
local support = require "spec.support"
local NA = modu.NA
local raises = support.raises_match
local function near_all(want, got, tol) support.near_all(want, got, tol or 1e-12) end

-- i1 (more is better): 10 20 30 -> min-max 0 50 100
-- i2 (less is better): 1 3 5    -> 100 50 0
-- i3 (weight 2):       0 10 5   -> 0 100 50
-- arithmetic, weights 1 1 2 (sum 4): A = 100/4 = 25, B = (50 + 50 + 200)/4 = 75,
-- C = (100 + 0 + 100)/4 = 50, so B, C, A
local toy = modu.frame({ { "city", { "A", "B", "C" } }, { "i1", { 10, 20, 30 } }, { "i2", { 1, 3, 5 } },
                         { "i3", { 0, 10, 5 } } })
local toy_indicators = { { name = "i1" }, { name = "i2", direction = -1 }, { name = "i3", weight = 2 } }

describe("modu.index.build", function()
  local idx = modu.index.build({ data = toy, unit = "city", indicators = toy_indicators })

  it("scores and ranks the toy as worked by hand, best first", function()
    assert.are.same({ "B", "C", "A" }, idx.table.city:to_table())
    near_all({ 75, 50, 25 }, idx.table.score)
    assert.are.same({ 1, 2, 3 }, idx.table.rank:to_table())
    near_all({ 1, 1, 1 }, idx.table.coverage)
    assert.matches("^%s+city%s+score%s+rank%s+coverage", tostring(idx))
    assert.are.equal(3, #idx)
  end)

  it("contributions add up to the score", function()
    local c = idx:contributions()
    assert.are.same({ "city", "score", "rank", "i1", "i2", "i3" }, c:names())
    near_all({ 12.5, 25, 0 }, c.i1)
    near_all({ 12.5, 0, 25 }, c.i2)
    near_all({ 50, 25, 0 }, c.i3)
  end)

  it("geometric aggregation puts min-max on [1, 100]; contributions multiply", function()
    -- i1 1 50.5 100; i2 100 50.5 1; i3 1 100 50.5; weights 1/4 1/4 1/2
    local g = modu.index.build({ data = toy, unit = "city", indicators = toy_indicators, aggregate = "geometric" })
    local a, b, c = 100 ^ 0.25, (50.5 * 50.5 * 100 * 100) ^ 0.25, (100 * 50.5 * 50.5) ^ 0.25
    assert.are.same({ "B", "C", "A" }, g.table.city:to_table())
    near_all({ b, c, a }, g.table.score)
    local k = g:contributions()
    near_all({ b, c, a }, k.i1 * k.i2 * k.i3)
  end)

  it("other normalisations keep the order here", function()
    for _, n in ipairs({ "zscore", "rank", "distance_to_leader" }) do
      local r = modu.index.build({ data = toy, unit = "city", indicators = toy_indicators, normalize = n })
      assert.are.equal("B", r.table.city[1], n)
    end
  end)
end)

describe("coverage and missing values", function()
  -- D has 1 of 3 indicators: not ranked. E lacks i2. Min-max over the ranked
  -- units: i1 (10 20 30 40) -> 0, 33.3, 66.7, 100; i2 (1 3 5, less is better)
  -- -> 100 50 0; i3 equal for all -> 50
  local df = modu.frame({ { "city", { "A", "B", "C", "D", "E" } }, { "i1", { 10, 20, 30, NA, 40 } },
                          { "i2", { 1, 3, 5, NA, NA } }, { "i3", { 1, 1, 1, 1, 1 } } })
  local inds = { "i1", { name = "i2", direction = -1 }, "i3" }

  it("exclude: the mean over what a unit has; units below min_coverage listed, not dropped", function()
    local idx = modu.index.build({ data = df, unit = "city", indicators = inds })
    -- E = (100 + 50) / 2 = 75; A = (0 + 100 + 50) / 3 = 50; B = (100/3 + 50 + 50) / 3; C = (200/3 + 0 + 50) / 3
    assert.are.same({ "E", "A", "B", "C", "D" }, idx.table.city:to_table())
    near_all({ 75, 50, (100 / 3 + 100) / 3, (200 / 3 + 50) / 3, NA }, idx.table.score)
    assert.are.same({ 1, 2, 3, 4, NA }, idx.table.rank:to_table())
    near_all({ 2 / 3, 1, 1, 1, 1 / 3 }, idx.table.coverage)
    assert.are.same({ "D" }, idx.unranked)
    assert.matches("not ranked %(coverage below 0%.667%): D", tostring(idx))
  end)

  it("mean and min impute the normalised mean or minimum first; ties share the best rank", function()
    local m = modu.index.build({ data = df, unit = "city", indicators = inds, missing = "mean" })
    near_all({ (100 + 50 + 50) / 3 }, { m.table.score[1] })
    local n = modu.index.build({ data = df, unit = "city", indicators = inds, missing = "min" })
    -- E: (100 + 0 + 50) / 3 = 50, level with A
    assert.are.same({ 1, 1, 3, 4, NA }, n.table.rank:to_table())
  end)

  it("min_coverage can admit everyone", function()
    local all = modu.index.build({ data = df, unit = "city", indicators = inds, min_coverage = 0.3 })
    assert.are.same({}, all.unranked)
    assert.are.equal(5, all.table:filter(all.table.ranked).city:len())
  end)
end)

describe("sensitivity", function()
  local idx = modu.index.build({ data = toy, unit = "city", indicators = toy_indicators })

  it("gives per unit the median rank, the 5-95 % interval and P(first)", function()
    local s = idx:sensitivity({ draws = 500, seed = 7 })
    assert.are.same({ "city", "rank", "median_rank", "rank_p05", "rank_p95", "p_first", "mean_rank" }, s:names())
    local total = 0
    for _, p in ipairs(s.p_first:to_table()) do total = total + p end
    assert.is_true(math.abs(total - 1) < 1e-12, "each draw has one first place")
    for i = 1, 3 do assert.is_true(s.rank_p05[i] <= s.median_rank[i] and s.median_rank[i] <= s.rank_p95[i]) end
  end)

  it("is identical for the same seed and differs for another", function()
    local opts = { draws = 1000, seed = 42, normalize = { "minmax", "rank" },
                   aggregate = { "arithmetic", "geometric" } }
    local a, b = idx:sensitivity(opts), idx:sensitivity(opts)
    assert.is_true(a:equals(b))
    opts.seed = 43
    assert.is_false(a:equals(idx:sensitivity(opts)))
  end)

  it("ranks a dominant unit first in every draw", function()
    -- Z is best on every indicator, so no weighting, normalisation or aggregation moves it
    local df = modu.frame({ { "city", { "A", "B", "Z", "C" } }, { "i1", { 1, 3, 9, 2 } }, { "i2", { 5, 2, 1, 4 } },
                            { "i3", { 3, 1, 8, 7 } } })
    local d = modu.index.build({ data = df, unit = "city",
                                 indicators = { "i1", { name = "i2", direction = -1 }, "i3" } })
    local s = d:sensitivity({ draws = 1000, weights = "dirichlet", seed = 3,
                              normalize = { "minmax", "rank", "distance_to_leader", "zscore" } })
    assert.are.equal("Z", s.city[1])
    assert.are.same({ 1, 1, 1, 1 }, { s.p_first[1], s.median_rank[1], s.rank_p05[1], s.rank_p95[1] })
    assert.are.same({ 0, 0, 0 }, { s.p_first[2], s.p_first[3], s.p_first[4] })
  end)

  it("with fixed weights and the index's own method, every draw is the base ranking", function()
    local s = idx:sensitivity({ draws = 50, weights = "fixed" })
    assert.are.same(s.rank:to_table(), s.median_rank:to_table())
    assert.are.same(s.rank:to_table(), s.rank_p95:to_table())
    assert.are.same({ 1, 0, 0 }, s.p_first:to_table())
  end)

  it("jitter and concentrated Dirichlet weights stay near the base weights", function()
    for _, w in ipairs({ { jitter = 0.1 }, { dirichlet = 1000 } }) do
      local s = idx:sensitivity({ draws = 300, weights = w })
      assert.are.same({ 1, 2, 3 }, s.median_rank:to_table())
    end
  end)

  it("leaves unranked units out of the draws", function()
    local df = modu.frame({ { "city", { "A", "B", "C" } }, { "i1", { 1, 2, NA } }, { "i2", { 2, 1, NA } } })
    local s = modu.index.build({ data = df, unit = "city", indicators = { "i1", "i2" } }):sensitivity({ draws = 10 })
    assert.are.same({ NA, NA }, { s.median_rank[3], s.p_first[3] })
  end)
end)

describe("misuse", function()
  it("names what is wrong with the spec", function()
    local build = modu.index.build
    raises("^build: expected a spec table, got string", build, "x")
    raises("^build: unknown spec key 'weights'", build,
      { data = toy, unit = "city", indicators = { "i1" }, weights = 1 })
    raises("^build: data must be a modu%.Frame, got table", build, { data = {}, unit = "city", indicators = { "i1" } })
    raises("^build: unit: no column 'town'", build, { data = toy, unit = "town", indicators = { "i1" } })
    raises("^build: indicator: no column 'i9'", build, { data = toy, unit = "city", indicators = { "i1", "i9" } })
    raises("^build: indicator 'i2': direction must be 1 %(more is better%) or %-1 %(less is better%), got 2", build,
      { data = toy, unit = "city", indicators = { { name = "i2", direction = 2 } } })
    raises("^build: indicator 'i1' is listed twice", build, { data = toy, unit = "city", indicators = { "i1", "i1" } })
    raises("^build: unknown normalize 'max'", build,
      { data = toy, unit = "city", indicators = { "i1" }, normalize = "max" })
    raises("^build: geometric aggregation needs positive normalised values, and zscore gives negative ones", build,
      { data = toy, unit = "city", indicators = { "i1" }, normalize = "zscore", aggregate = "geometric" })
    raises("^build: unit 'A' appears in rows 1 and 2", build,
      { data = modu.frame({ city = { "A", "A" }, v = { 1, 2 } }), unit = "city", indicators = { "v" } })
  end)

  it("names what is wrong with the sensitivity options", function()
    local idx = modu.index.build({ data = toy, unit = "city", indicators = toy_indicators })
    raises("^sensitivity: draws must be an integer from 1 to 1e8, got 0", idx.sensitivity, idx, { draws = 0 })
    raises("^sensitivity: unknown weights 'random'", idx.sensitivity, idx, { weights = "random" })
    raises("^sensitivity: jitter must be in %[0, 1%), got 2", idx.sensitivity, idx, { weights = { jitter = 2 } })
    raises("^sensitivity: geometric aggregation needs positive normalised values", idx.sensitivity, idx,
      { normalize = { "minmax", "zscore" }, aggregate = { "geometric" } })
  end)
end)
