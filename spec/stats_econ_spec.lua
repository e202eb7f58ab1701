-- Specs for the regional-economics measures (shares, HHI, concentration
-- ratio, location quotient, shift-share, per capita) on cases worked by hand,
-- and the normalisations with their directions.
local modu = require "modu"
local support = require "spec.support"
local S = modu.stats
local NA = modu.NA
local raises = support.raises_match
local near_all = support.near_all

describe("concentration", function()
  it("shares of the total, NA kept", function()
    near_all({ 0.25, 0.75, NA }, S.shares({ 1, 3, NA }))
    raises("^shares: the values sum to 0", S.shares, { 0, 0 })
    raises("^shares: value 2 is %-1: shares need finite values >= 0", S.shares, { 1, -1 })
  end)

  it("HHI raw and normalised, and the k-firm concentration ratio", function()
    -- shares 0.5 0.3 0.2: HHI = 0.25 + 0.09 + 0.04 = 0.38; normalised (0.38 - 1/3) / (2/3)
    local h, hn = S.hhi({ 50, 30, 20 })
    near_all({ 0.38, (0.38 - 1 / 3) / (2 / 3) }, { h, hn })
    local one, norm1 = S.hhi({ 7 })
    assert.are.same({ 1, 1 }, { one, norm1 })
    near_all({ 0.8, 1 }, { S.cr({ 20, 50, 30 }, 2), S.cr({ 1, 2 }, 5) })
    raises("^cr: k must be an integer >= 1, got 0", S.cr, { 1 }, 0)
  end)
end)

describe("location quotient", function()
  it("from four numbers: (local / local total) / (national / national total)", function()
    assert.are.equal(4, S.location_quotient(20, 100, 50, 1000))
  end)

  it("per row of a long frame (worked by hand)", function()
    -- totals: A 40, B 60; x 50, y 50; all 100. A-x: (10/40)/(50/100) = 0.5
    local df = modu.frame({ { "region", { "A", "A", "B", "B" } }, { "industry", { "x", "y", "x", "y" } },
                            { "firms", { 10, 30, 40, 20 } } })
    local r = S.location_quotient(df, { region = "region", industry = "industry", value = "firms" })
    assert.are.same({ "region", "industry", "firms", "lq" }, r:names())
    near_all({ 0.5, 1.5, 4 / 3, 2 / 3 }, r.lq)
    raises("^location_quotient: option value %(a column name%) is missing", S.location_quotient, df,
      { region = "region", industry = "industry" })
  end)
end)

describe("shift-share", function()
  -- start / finish: A-x 100/120, A-y 50/70, B-x 200/210, B-y 150/180.
  -- national growth G = 580/500 - 1 = 0.16; industries g_x = 330/300 - 1 = 0.1,
  -- g_y = 250/200 - 1 = 0.25. Per row: national s G, mix s (g_i - G),
  -- competitive s (g_ri - g_i):
  --   A-x: 16, -6, 10      A-y: 8, 4.5, 7.5
  --   B-x: 32, -12, -10    B-y: 24, 13.5, -7.5
  local df = modu.frame({ { "city", { "A", "A", "B", "B" } }, { "sector", { "x", "y", "x", "y" } },
                          { "y2015", { 100, 50, 200, 150 } }, { "y2020", { 120, 70, 210, 180 } } })
  local opts = { region = "city", industry = "sector", start = "y2015", finish = "y2020" }

  it("splits each region's change into national, industry-mix and competitive parts", function()
    local r = S.shift_share(df, opts)
    assert.are.same({ "city", "start", "finish", "change", "national", "industry_mix", "competitive" }, r:names())
    assert.are.same({ "A", "B" }, r.city:to_table())
    -- growth rates such as 330/300 - 1 are not exact in binary: 1e-12 relative
    near_all({ 40, 40 }, r.change, 1e-12)
    near_all({ 24, 56 }, r.national, 1e-12)
    near_all({ -1.5, 1.5 }, r.industry_mix, 1e-12)
    near_all({ 17.5, -17.5 }, r.competitive, 1e-12)
  end)

  it("gives the same per row with detail", function()
    opts.detail = true
    local r = S.shift_share(df, opts)
    opts.detail = nil
    near_all({ 16, 8, 32, 24 }, r.national, 1e-12)
    near_all({ -6, 4.5, -12, 13.5 }, r.industry_mix, 1e-12)
    near_all({ 10, 7.5, -10, -7.5 }, r.competitive, 1e-12)
  end)

  it("names a missing column", function()
    raises("^shift_share: start: no column 'y2010'", S.shift_share, df,
      { region = "city", industry = "sector", start = "y2010", finish = "y2020" })
  end)
end)

describe("per capita", function()
  it("divides, scales, and gives NA for a population that is not positive", function()
    near_all({ 10000, NA, NA }, S.per_capita({ 100, 50, 7 }, { 10, 0, NA }, 1000))
  end)
end)

describe("normalisation", function()
  it("minmax onto 0..100, either direction", function()
    near_all({ 0, 50, 100, NA }, S.minmax({ 2, 4, 6, NA }))
    near_all({ 100, 50, 0 }, S.minmax({ 2, 4, 6 }, -1))
    near_all({ 50, 50 }, S.minmax({ 3, 3 }))
  end)

  it("zscore and rank", function()
    near_all({ -1, 0, 1 }, S.zscore({ 2, 4, 6 }))
    near_all({ 1, 0, -1 }, S.zscore({ 2, 4, 6 }, { direction = -1 }))
    -- ties share the mean of their places: 20 and 20 take places 2 and 3
    near_all({ 1, 4, 2.5, 2.5 }, S.rank({ 10, 30, 20, 20 }))
    near_all({ 3, 1, 2 }, S.rank({ 10, 30, 20 }, -1))
  end)

  it("distance to the leader (leader = 100)", function()
    near_all({ 50, 100, 25 }, S.distance_to_leader({ 50, 100, 25 }))
    -- less is better: the smallest leads, others score 100 * min / x
    near_all({ 50, 25, 100 }, S.distance_to_leader({ 50, 100, 25 }, -1))
    raises("^distance_to_leader: distance_to_leader needs values >= 0, got %-1", S.distance_to_leader, { -1, 2 })
  end)

  it("winsorize clamps to the p and 1 - p quantiles", function()
    -- 11 values 1..10, 100: type-7 quantiles at 0.1 and 0.9 are x(2) = 2 and x(10) = 10
    local x = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 100 }
    near_all({ 2, 2, 3, 4, 5, 6, 7, 8, 9, 10, 10 }, S.winsorize(x, 0.1))
    near_all({ -2, -2, -3, -4, -5, -6, -7, -8, -9, -10, -10 }, S.normalize(x, "winsorize", { p = 0.1, direction = -1 }))
  end)

  it("normalize names the method; directions are 1 or -1", function()
    near_all({ 0, 100 }, S.normalize({ 1, 2 }, "minmax"))
    raises("^normalize: unknown method 'max' %(methods: minmax, zscore, rank, distance_to_leader, winsorize%)",
      S.normalize, { 1 }, "max")
    raises("^minmax: direction must be 1 %(more is better%) or %-1 %(less is better%), got 0", S.minmax, { 1 }, 0)
  end)
end)
