-- Specs for the descriptive statistics and association measures: Column
-- methods and modu.stats functions against values derived by hand in the
-- comments, NA handling, df:describe, df:cor, per-group statistics, misuse.
local modu = require "modu"
local support = require "spec.support"
local S = modu.stats
local NA = modu.NA
local raises = support.raises_match
local near = support.near

describe("variance and standard deviation", function()
  it("use n - 1 by default and take ddof", function()
    local x = modu.column({ 1, 2, 3, 4 })
    -- deviations -1.5 -0.5 0.5 1.5: squares sum to 5
    near(5 / 3, x:var())
    near(5 / 4, x:var(0))
    near(5 / 4, x:var({ ddof = 0 }))
    near(math.sqrt(5 / 3), x:sd())
    near(math.sqrt(5 / 3), S.sd({ 1, 2, 3, 4 }))
  end)

  it("skip NA and give NA when n - ddof <= 0", function()
    local x = modu.column({ 1, NA, 3 })
    near(2, x:var())
    assert.are.equal(NA, modu.column({ 5 }):var())
    assert.are.equal(NA, modu.column({ NA, NA }, "float"):sd())
    assert.are.equal(NA, modu.column({ 1, 2 }):var(2))
  end)

  it("are exact under a large offset (two-pass, not the textbook one-pass)", function()
    -- 1e9 + {4, 7, 13, 16}: variance 30 exactly; a one-pass sum of squares
    -- would lose every digit here
    local x = modu.column({ 1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16 })
    near(30, x:var(), 1e-15)
    near(1e9 + 10, S.mean(x), 1e-16)
  end)

  it("reject bad ddof and non-numeric columns", function()
    raises("^var: ddof must be a number >= 0, got %-1", function() return modu.column({ 1, 2 }):var(-1) end)
    raises("^sd: x must be numeric %(int, float or bool%), got a str column",
      function() return modu.column({ "a", "b" }):sd() end)
    raises("^var: x is missing", S.var)
  end)
end)

describe("quantiles", function()
  local x = modu.column({ 10, 3, 1, 7, 5, 9, 2, 8, 6, 4 }) -- 1..10 shuffled, n = 10

  it("give the nine Hyndman-Fan types (worked by hand for n = 10, p = 0.25)", function()
    -- np = 2.5. 1: ceil -> x(3) = 3. 2: np not whole -> x(3) = 3.
    -- 3: np - 0.5 = 2, whole and even -> x(2) = 2. 4: p n = 2.5 -> 2.5.
    -- 5: 0.5 + p n = 3 -> 3. 6: p (n + 1) = 2.75. 7: 1 + p (n - 1) = 3.25.
    -- 8: 1/3 + p (n + 1/3) = 2 + 11/12. 9: 3/8 + p (n + 1/4) = 2.9375.
    local want = { 3, 3, 2, 2.5, 3, 2.75, 3.25, 2 + 11 / 12, 2.9375 }
    for t = 1, 9 do near(want[t], x:quantile(0.25, t), 1e-15, "type " .. t) end
  end)

  it("give the nine types at the median (p = 0.5)", function()
    -- types 1, 3, 4 pick x(5) = 5; type 2 averages x(5) and x(6); 5-9 interpolate to 5.5
    local want = { 5, 5.5, 5, 5, 5.5, 5.5, 5.5, 5.5, 5.5 }
    for t = 1, 9 do near(want[t], x:quantile(0.5, { type = t }), 1e-15, "type " .. t) end
  end)

  it("default to type 7, take arrays of p and reach the extremes", function()
    local q = x:quantile({ 0, 0.1, 0.9, 1 })
    assert.are.same({ 1, 1.9, 9.1, 10 }, { q[1], q[2], tonumber(("%.12g"):format(q[3])), q[4] })
    near(1.9, q[2])
    assert.are.equal(5.5, x:median())
    -- type 7 quartiles 3.25 and 7.75
    assert.are.equal(4.5, x:iqr())
    assert.are.equal(9, x:range())
  end)

  it("skip NA, give NA for no values and NaN when a NaN is present", function()
    assert.are.equal(2, modu.column({ 3, NA, 1, 2 }):median())
    assert.are.equal(NA, modu.column({ NA }, "float"):median())
    local q = modu.column({ NA }, "float"):quantile({ 0.1, 0.2 })
    assert.are.equal(NA, q[1])
    local m = modu.column({ 1, 0 / 0, 3 }):median()
    assert.is_true(m ~= m)
  end)

  it("match the engine's group median", function()
    local df = modu.frame({ g = { 1, 1, 1, 2, 2 }, v = { 3, 1, 2, 10, 20 } })
    local agg = df:group_by("g"):agg({ med = "median(v)" })
    assert.are.same({ 2, 15 }, agg.med:to_table())
    assert.are.equal(2, df:filter(df.g:eq(1)).v:median())
  end)

  it("reject p outside [0, 1] and unknown types", function()
    raises("^quantile: p must be between 0 and 1, got 1.5", function() return x:quantile(1.5) end)
    raises("^quantile: type must be an integer from 1 to 9", function() return x:quantile(0.5, 10) end)
    raises("^quantile: p%[2%] must be a number, got string", function() return x:quantile({ 0.1, "a" }) end)
  end)
end)

describe("quantiles of large columns (sampling selection)", function()
  -- from 100000 values on, quantiles read the column once and select among
  -- the values near each wanted rank; a sorted copy must agree exactly
  local function sorted_quantile(sorted, p, t)
    -- type 7 and type 1 by their definitions, on the sorted values
    local n = #sorted
    if t == 1 then
      local j = math.ceil(n * p)
      return sorted[math.max(1, j)]
    end
    local h = 1 + (n - 1) * p
    local lo = math.floor(h)
    if lo >= n then return sorted[n] end
    return (1 - (h - lo)) * sorted[lo] + (h - lo) * sorted[lo + 1]
  end

  local function check(values, what)
    local col = modu.column(values, "float")
    local sorted = {}
    for _, v in ipairs(values) do
      if v ~= NA then sorted[#sorted + 1] = v end
    end
    table.sort(sorted)
    local ps = { 0, 1e-6, 0.001, 0.1, 0.25, 0.5, 0.75, 0.9, 0.999, 1 }
    for _, t in ipairs({ 1, 7 }) do
      local got = col:quantile(ps, t)
      for i, p in ipairs(ps) do
        assert.are.equal(sorted_quantile(sorted, p, t), got[i], ("%s: type %d at p = %g"):format(what, t, p))
      end
    end
    assert.are.equal(sorted_quantile(sorted, 0.5, 7), col:median(), what .. ": median")
  end

  it("agrees with a sorted copy on random, tied, sorted and NA-laden data", function()
    local n = 150000
    check(modu.random.normal(n, 0, 1, 1):to_table(), "normal")
    local ties, sorted, nas = {}, {}, {}
    local ints = modu.random.integers(n, 0, 9, 2):to_table()
    for i = 1, n do
      ties[i] = ints[i] + 0.0
      sorted[i] = i * 0.5
      nas[i] = i % 3 == 0 and NA or (i * 7919) % 10007 + 0.25
    end
    check(ties, "ten distinct values")
    check(sorted, "sorted")
    check(nas, "a third NA")
  end)

  it("gives NaN when a NaN is present, and mad from the same selection", function()
    local v = modu.random.normal(120000, 5, 2, 3):to_table()
    local col = modu.column(v)
    -- mad by its definition: the median of |x - median|
    local med = col:median()
    local dev = {}
    for i, x in ipairs(v) do dev[i] = math.abs(x - med) end
    assert.are.equal(1.4826 * modu.column(dev):median(), col:mad())
    v[60000] = 0 / 0
    local m = modu.column(v):median()
    assert.is_true(m ~= m)
  end)
end)

describe("spread and shape", function()
  it("mad: median absolute deviation times 1.4826 (R's constant)", function()
    -- median 3; |x - 3| = 2 1 0 1 97, whose median is 1
    near(1.4826, modu.column({ 1, 2, 3, 4, 100 }):mad())
    assert.are.equal(1, modu.column({ 1, 2, 3, 4, 100 }):mad(1))
  end)

  it("skewness and kurtosis: bias-adjusted G1 and excess G2, or the moment estimators", function()
    -- {1, 2, 3, 4, 10}: mean 4, deviations -3 -2 -1 0 6;
    -- m2 = 50/5 = 10, m3 = 180/5 = 36, m4 = 1394/5 = 278.8
    local x = modu.column({ 1, 2, 3, 4, 10 })
    local g1, g2 = 36 / 10 ^ 1.5, 278.8 / 100 - 3
    near(g1, x:skewness({ adjusted = false }), 1e-14)
    near(g2, x:kurtosis({ adjusted = false }), 1e-13)
    -- G1 = g1 sqrt(n (n - 1)) / (n - 2); G2 = ((n + 1) g2 + 6) (n - 1) / ((n - 2) (n - 3))
    near(g1 * math.sqrt(20) / 3, x:skewness(), 1e-14)
    near((6 * g2 + 6) * 4 / 6, x:kurtosis(), 1e-13)
  end)

  it("shape needs enough values", function()
    assert.are.equal(NA, modu.column({ 1, 2 }):skewness())
    assert.are.equal(NA, modu.column({ 1, 2, 3 }):kurtosis())
    local s = modu.column({ 2, 2, 2, 2 }):skewness()
    assert.is_true(s ~= s) -- no spread: undefined
  end)

  it("acf at lag k follows NIST's definition", function()
    -- 1..5: deviations -2 -1 0 1 2, sum of squares 10; lag 1 products 2 0 0 2
    local x = modu.column({ 1, 2, 3, 4, 5 })
    near(0.4, x:acf(), 1e-15)
    -- lag 2 products: (0)(-2) + (1)(-1) + (2)(0) = -1
    near(-0.1, x:acf(2), 1e-15)
    assert.are.equal(1, x:acf(0))
    assert.are.equal(NA, x:acf(5))
    raises("^acf: lag must be an integer >= 0, got 1.5", function() return x:acf(1.5) end)
  end)

  it("acf skips pairs with an NA (R's na.pass)", function()
    -- present 1 2 4 5: mean 3, squares 4 1 1 4 = 10; lag-1 pairs present:
    -- (2,1) -> (-1)(-2) = 2 and (5,4) -> (2)(1) = 2
    near(0.4, modu.column({ 1, 2, NA, 4, 5 }):acf(), 1e-15)
  end)

  it("mode: most frequent value, ties to the smallest, with its count", function()
    local v, n = modu.column({ "b", "a", "b", "a", "c" }):mode()
    assert.are.same({ "a", 2 }, { v, n })
    v, n = modu.column({ 3, 1, 3, 1, 2, 3 }):mode()
    assert.are.same({ 3, 3 }, { v, n })
    v, n = modu.column({ NA, NA }, "int"):mode()
    assert.are.same({ NA, 0 }, { v, n })
    v = S.mode({ true, false, true })
    assert.is_true(v)
  end)
end)

describe("association", function()
  it("cov and Pearson correlation", function()
    -- x 1..4 (mean 2.5), y 2 4 6 9 (mean 5.25): cross products sum to 11.5
    local x, y = modu.column({ 1, 2, 3, 4 }), modu.column({ 2, 4, 6, 9 })
    near(11.5 / 3, x:cov(y))
    near(11.5 / 4, x:cov(y, { ddof = 0 }))
    -- sum of squares: x 5, y 26.75
    near(11.5 / math.sqrt(5 * 26.75), x:cor(y))
    near(11.5 / math.sqrt(5 * 26.75), S.cor({ 1, 2, 3, 4 }, { 2, 4, 6, 9 }, "pearson"))
  end)

  it("Spearman uses average ranks for ties", function()
    -- y = 5 6 7 8 7: ranks 1 2 3.5 5 3.5; against 1..5:
    -- sum of rank products (centered) 8, sums of squares 10 and 9.5
    near(8 / math.sqrt(95), S.cor({ 1, 2, 3, 4, 5 }, { 5, 6, 7, 8, 7 }, "spearman"), 1e-15)
    -- ties on both sides: ranks 1.5 1.5 3.5 3.5 5 and 1.5 3.5 1.5 3.5 5 -> 5 / 9
    near(5 / 9, S.cor({ 1, 1, 2, 2, 3 }, { 1, 2, 1, 2, 3 }, { method = "spearman" }), 1e-15)
  end)

  it("Kendall is tau-b", function()
    -- 5 6 7 8 7 against 1..5: 8 concordant, 1 discordant, 1 pair tied in y:
    -- (8 - 1) / sqrt(10 * 9)
    near(7 / math.sqrt(90), S.cor({ 1, 2, 3, 4, 5 }, { 5, 6, 7, 8, 7 }, "kendall"), 1e-15)
    -- x 1 1 2 2 3, y 1 2 1 2 3: C = 5, D = 1, 2 ties in x only, 2 in y only: 4 / sqrt(8 * 8)
    near(0.5, S.cor({ 1, 1, 2, 2, 3 }, { 1, 2, 1, 2, 3 }, "kendall"), 1e-15)
  end)

  it("Kendall by merge sort agrees with the O(n^2) definition on random data", function()
    local x, y = {}, {}
    local seed = 12345
    local function rnd(m)
      seed = (seed * 1103515245 + 12345) % 2147483648
      return seed % m
    end
    for i = 1, 300 do x[i], y[i] = rnd(20), rnd(15) + rnd(5) end
    local c, d, tx, ty = 0, 0, 0, 0
    for i = 1, 300 do
      for j = i + 1, 300 do
        local sx, sy = x[j] - x[i], y[j] - y[i]
        if sx == 0 and sy ~= 0 then tx = tx + 1
        elseif sy == 0 and sx ~= 0 then ty = ty + 1
        elseif sx == 0 and sy == 0 then tx, ty = tx + 1, ty + 1
        elseif (sx > 0) == (sy > 0) then c = c + 1
        else d = d + 1 end
      end
    end
    local n0 = 300 * 299 / 2
    near((c - d) / math.sqrt((n0 - tx) * (n0 - ty)), S.cor(x, y, "kendall"), 1e-13)
  end)

  it("uses the pairwise-complete rows", function()
    -- complete pairs: (1, 2), (4, 4), (5, 6)
    local r = S.cor({ 1, 2, NA, 4, 5 }, { 2, NA, 3, 4, 6 })
    near(S.cor({ 1, 4, 5 }, { 2, 4, 6 }), r, 1e-15)
    assert.are.equal(NA, S.cor({ 1, NA }, { NA, 2 }))
  end)

  it("rejects unequal lengths and unknown methods", function()
    raises("^cor: x has 2 values but y has 3", S.cor, { 1, 2 }, { 1, 2, 3 })
    raises("^cor: unknown method 'foo' %(methods: pearson, spearman, kendall%)", S.cor, { 1, 2 }, { 1, 2 }, "foo")
  end)
end)

describe("df:describe and df:cor", function()
  it("describe gives a row per column: numbers get moments and quartiles, text gets counts", function()
    local df = modu.frame({ { "a", { 1, 2, 3, NA } }, { "s", { "x", "y", "x", NA } } })
    local d = df:describe()
    assert.are.same({ "a", "s" }, d:col("column"):to_table())
    assert.are.same({ 3, 3 }, d:col("count"):to_table())
    assert.are.same({ 1, 1 }, d:col("na"):to_table())
    assert.are.same({ 2, NA }, d:col("mean"):to_table())
    assert.are.same({ 1, NA }, d:col("sd"):to_table())
    assert.are.same({ 1.5, NA }, d:col("q25"):to_table())
    assert.are.same({ NA, 2 }, d:col("unique"):to_table())
    assert.are.same({ NA, "x" }, d:col("top"):to_table())
    assert.are.same({ NA, 2 }, d:col("freq"):to_table())
  end)

  it("cor gives the symmetric matrix of the numeric columns", function()
    local df = modu.frame({ { "x", { 1, 2, 3, 4 } }, { "y", { 2, 4, 6, 9 } }, { "t", { "a", "b", "c", "d" } } })
    local m = df:cor()
    assert.are.same({ "column", "x", "y" }, m:names())
    assert.are.same({ 1, m.y[1] }, m.x:to_table())
    assert.are.equal(m.x[2], m.y[1])
    near(11.5 / math.sqrt(5 * 26.75), m.y[1])
    assert.are.equal(1, df:cor("kendall").y[1])
    raises("^cor: the frame has no numeric %(int or float%) columns", function()
      return modu.frame({ t = { "a" } }):cor()
    end)
  end)
end)

describe("per-group statistics", function()
  it("summarise computes statistics the expression language lacks, per group", function()
    local df = modu.frame({ g = { "a", "b", "a", "a", "b", "a" }, v = { 1, 5, 2, 3, 7, 10 } })
    local r = S.summarise(df, "g", { { "skew", "skewness(v)" }, { "iqr", "iqr(v)" }, { "q9", "quantile(v, 0.9, 6)" },
                                     { "mad", "mad(v)" }, { "n", "count(v)" } })
    assert.are.same({ "g", "skew", "iqr", "q9", "mad", "n" }, r:names())
    local a = modu.column({ 1, 2, 3, 10 })
    assert.are.same({ a:skewness(), NA }, r.skew:to_table())
    assert.are.same({ a:iqr(), 1 }, r.iqr:to_table())
    assert.are.same({ a:quantile(0.9, 6), modu.column({ 5, 7 }):quantile(0.9, 6) }, r.q9:to_table())
    assert.are.same({ a:mad(), modu.column({ 5, 7 }):mad() }, r.mad:to_table())
    assert.are.same({ 4, 2 }, r.n:to_table())
  end)

  it("summarise names what is wrong", function()
    local df = modu.frame({ g = { 1 }, v = { 1 } })
    raises("^summarise: unknown statistic 'foo'", S.summarise, df, "g", { x = "foo(v)" })
    raises("^summarise: 'sd v' is not of the form stat%(column%[, param%]%)", S.summarise, df, "g", { x = "sd v" })
    raises("^summarise: skewness: no column 'w'", S.summarise, df, "g", { x = "skewness(w)" })
    raises("^summarise: 'quantile%(v%)': quantile needs a probability", S.summarise, df, "g", { x = "quantile(v)" })
  end)
end)

describe("closed columns", function()
  it("raise a clear error", function()
    local c = modu.column({ 1, 2, 3 })
    c:close()
    raises("^var: x: the column is closed", S.var, c)
    raises("the column is closed", function() return c:sd() end)
  end)
end)
