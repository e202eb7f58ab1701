-- The engine's fast paths checked against slow, independent answers: one text
-- key read through its dictionary codes, numbering by sorting when nearly every
-- row is its own group, the per-group top k (slice_max, slice_min) with ties
-- and missing values, and rolling sums kept in O(rows).
local modu = require "modu"
local support = require "spec.support"

local NA = modu.NA
local raises = support.raises

local function col(df, name) return df:col(name):to_table() end

local function close_to(e, g, what)
  assert.is_true(math.abs(e - g) <= 1e-9 * math.max(1, math.abs(e)), ("%s: expected %s, got %s"):format(what, e, g))
end

-- n rows: a text key g from `levels` without NA, an int v and a float w with NA
local function keyed(n, levels, seed)
  local gs, vs, ws = {}, {}, {}
  local r = modu.random.integers(n, 1, #levels, seed):to_table()
  local v = modu.random.integers(n, -50, 50, seed + 1):to_table()
  local w = modu.random.uniform(n, -10, 10, seed + 2):to_table()
  for i = 1, n do
    gs[i] = levels[r[i]]
    vs[i] = i % 7 == 0 and NA or v[i]
    ws[i] = i % 5 == 0 and NA or w[i]
  end
  return modu.frame({ { "g", gs }, { "v", vs }, { "w", ws } }), gs, vs, ws
end

-- per key in order of first appearance: count, sum of v, sum and count of w
local function by_hand(gs, vs, ws)
  local order, acc = {}, {}
  for i = 1, #gs do
    local a = acc[gs[i]]
    if not a then
      a = { n = 0, sv = 0, sw = 0, nw = 0 }
      acc[gs[i]] = a
      order[#order + 1] = gs[i]
    end
    a.n = a.n + 1
    if vs[i] ~= NA then a.sv = a.sv + vs[i] end
    if ws[i] ~= NA then a.sw, a.nw = a.sw + ws[i], a.nw + 1 end
  end
  return order, acc
end

describe("one text key without NA (read through its codes)", function()
  it("sums, averages and counts as by hand, groups in order of first appearance", function()
    local df, gs, vs, ws = keyed(3000, { "北京", "深圳", "上海", "杭州", "合肥" }, 11)
    local a = df:group_by("g"):agg({ { "n", "count()" }, { "sv", "sum(v)" }, { "mw", "mean(w)" },
                                     { "sw", "sum(w)" }, { "med", "median(v)" } })
    local order, acc = by_hand(gs, vs, ws)
    assert.are.same(order, col(a, "g"))
    for k, key in ipairs(order) do
      assert.are.equal(acc[key].n, col(a, "n")[k])
      assert.are.equal(acc[key].sv, col(a, "sv")[k])
      assert.is_true(math.type(col(a, "sv")[k]) == "integer")
      close_to(acc[key].sw, col(a, "sw")[k], "sum(w) of " .. key)
      close_to(acc[key].sw / acc[key].nw, col(a, "mw")[k], "mean(w) of " .. key)
    end
  end)

  it("gives the same answers as the general path (the key with an NA row added)", function()
    local df = keyed(500, { "a", "b", "c" }, 5)
    local extra = modu.frame({ { "g", modu.column({ NA }, "str") }, { "v", { 1 } }, { "w", { 1.5 } } })
    local withna = modu.bind_rows(df, extra)
    local spec = { { "n", "count()" }, { "s", "sum(v)" }, { "m", "mean(w)" }, { "mx", "max(w)" },
                   { "sd", "sd(w)" }, { "nd", "n_distinct(v)" } }
    local fast = df:group_by("g"):agg(spec)
    local slow = withna:group_by("g"):agg(spec):head(#fast)
    for _, name in ipairs({ "g", "n", "s", "m", "mx", "sd", "nd" }) do
      assert.are.same(col(slow, name), col(fast, name), name)
    end
  end)

  it("skips dictionary codes no row has (a filtered frame shares its dictionary)", function()
    local df = modu.frame({ { "g", { "x", "y", "z", "y", "x" } }, { "v", { 1, 2, 3, 4, 5 } } })
    local kept = df:filter("g != 'y'")
    local a = kept:group_by("g"):agg({ { "n", "count()" }, { "s", "sum(v)" }, { "m", "mean(v)" } })
    assert.are.same({ "x", "z" }, col(a, "g"))
    assert.are.same({ 2, 1 }, col(a, "n"))
    assert.are.same({ 6, 3 }, col(a, "s"))
    assert.are.same({ 3.0, 3.0 }, col(a, "m"))
    local sorted = kept:group_by("g", { sort = true }):agg({ { "s", "sum(v)" } })
    assert.are.same({ "x", "z" }, col(sorted, "g"))
  end)

  it("groups a few rows that share a big dictionary", function()
    local big = modu.frame({ { "g", modu.range(1, 70000) }, { "v", modu.range(1, 70000) } })
    big = big:mutate({ { "g", "as_str(g % 69999)" } }) -- 69999 texts
    local few = big:slice(69998, 70000) -- "69998", "0", "1"
    local a = few:group_by("g"):agg({ { "s", "sum(v)" }, { "n", "count()" } })
    assert.are.same({ "69998", "0", "1" }, col(a, "g"))
    assert.are.same({ 69998, 69999, 70000 }, col(a, "s"))
    local a2 = big:group_by("g"):agg({ { "s", "sum(v)" } }):head(2)
    assert.are.same({ "1", "2" }, col(a2, "g"))
    assert.are.same({ 1 + 70000, 2 }, col(a2, "s"))
  end)

  it("sorts lazy groups, then runs windows and broadcasts within them", function()
    local df = modu.frame({ { "g", { "b", "a", "b", "c", "a" } }, { "v", { 1, 2, 3, 4, 5 } } })
    local g = df:group_by("g", { sort = true })
    local a = g:agg({ { "s", "sum(v)" }, { "f", "first(v)" } })
    assert.are.same({ "a", "b", "c" }, col(a, "g"))
    assert.are.same({ 7, 4, 4 }, col(a, "s"))
    assert.are.same({ 2, 1, 4 }, col(a, "f"))
    local m = g:mutate({ { "rn", "row_number()" }, { "share", "v / sum(v)" } })
    assert.are.same({ 1, 1, 2, 1, 2 }, col(m, "rn"))
    assert.are.same({ 0.25, 2 / 7, 0.75, 1.0, 5 / 7 }, col(m, "share"))
    assert.are.same({ "b", "b", "c" }, col(g:filter("sum(v) <= 4"), "g"))
  end)

  it("raises on an int sum that overflows, as the general path does", function()
    local df = modu.frame({ { "g", { "a", "a" } }, { "v", { math.maxinteger, 1 } } })
    raises("sum overflows int64", function() return df:group_by("g"):agg({ { "s", "sum(v)" } }) end)
  end)

  it("handles one-row and empty frames", function()
    local one = modu.frame({ { "g", { "x" } }, { "v", { 4 } } })
    local a = one:group_by("g"):agg({ { "s", "sum(v)" }, { "n", "count()" }, { "m", "mean(v)" } })
    assert.are.same({ "x" }, col(a, "g"))
    assert.are.same({ 4 }, col(a, "s"))
    assert.are.same({ 4.0 }, col(a, "m"))
    local empty = one:filter("v > 10")
    local e = empty:group_by("g"):agg({ { "s", "sum(v)" }, { "n", "count()" } })
    assert.are.equal(0, #e)
    assert.are.equal("str", e:col("g"):type())
  end)
end)

describe("numbering by sorting (nearly every row its own group)", function()
  -- past 2^20 rows with ~97 % distinct key pairs the engine sorts instead of
  -- hashing: keys of up to 22 bits in passes over all rows, longer ones by
  -- their top 11 bits first, then bucket by bucket (b up to 3, then up to 5000)
  local N = (1 << 20) + 4099
  local frames = {}
  local function frame(bmax)
    if frames[bmax] then return frames[bmax] end
    local a = modu.random.integers(N, 1, 4000000, 3)
    local b = modu.random.integers(N, 1, bmax, 4)
    local df = modu.frame({ { "a", a }, { "b", b }, { "row", modu.range(1, N) } })
    df = df:mutate({ a = "if_else(row % 997 == 0, NA, a)" }) -- NA keys form groups of their own
    frames[bmax] = df
    return df
  end

  for _, bmax in ipairs({ 3, 5000 }) do
    it(("finds the groups distinct finds, in the same first-appearance order (b up to %d)"):format(bmax), function()
      local x = frame(bmax)
      local a = x:group_by("a", "b"):agg({ { "n", "count()" }, { "first", "first(row)" }, { "s", "sum(row)" } })
      local d = x:distinct("a", "b", { keep_all = true })
      assert.are.equal(#d, #a)
      assert.is_true(#a > N * 0.9 and #a < N, "mostly distinct, with repeats")
      assert.are.same(col(d, "row"), col(a, "first"))
      assert.are.same(col(d, "a"), col(a, "a"))
      assert.are.same(col(d, "b"), col(a, "b"))
      local tot = a:agg({ { "n", "sum(n)" }, { "s", "sum(s)" } })
      assert.are.equal(N, col(tot, "n")[1])
      assert.are.equal(N * (N + 1) // 2, col(tot, "s")[1])
    end)

    it(("counts each group as count() sorted by key does (b up to %d)"):format(bmax), function()
      local x = frame(bmax)
      local a = x:group_by("a", "b"):agg({ { "n", "count()" } }):sort("a", "b")
      local c = x:count("a", "b")
      assert.are.same(col(c, "n"), col(a, "n"))
      assert.are.same(col(c, "a"), col(a, "a"))
      assert.are.same(col(c, "b"), col(a, "b"))
    end)
  end
end)

describe("slice_max and slice_min", function()
  local function sample()
    return modu.frame({
      { "g", { "a", "b", "a", "a", "b", "c", "a", "d" } },
      { "v", { 3, 5, 7, 7, NA, 1, 2, NA } },
      { "d", { modu.date("2020-01-03"), modu.date("2020-01-01"), modu.date("2021-05-01"), modu.date("2019-01-01"),
               modu.date("2020-02-02"), NA, modu.date("2022-01-01"), modu.date("2020-01-01") } },
    })
  end

  it("keeps each group's n largest, best first, ties with the n-th kept (dplyr's default)", function()
    local s = sample():group_by("g"):slice_max("v", 1)
    assert.are.same({ "a", "a", "b", "c", "d" }, col(s, "g"))
    assert.are.same({ 7, 7, 5, 1, NA }, col(s, "v"))
  end)

  it("keeps exactly n rows with with_ties = false, the earlier of tied rows first", function()
    local df = sample():mutate({ row = modu.range(1, 8) })
    local s = df:group_by("g"):slice_max("v", 1, { with_ties = false })
    assert.are.same({ "a", "b", "c", "d" }, col(s, "g"))
    assert.are.same({ 3, 2, 6, 8 }, col(s, "row"))
    local two = df:group_by("g"):slice_max("v", 2, { with_ties = false })
    assert.are.same({ 3, 4, 2, 5, 6, 8 }, col(two, "row"))
  end)

  it("fills a group short of n values with its NA rows, in row order, and no more", function()
    local s = sample():group_by("g"):slice_max("v", 3)
    assert.are.same({ "a", "a", "a", "b", "b", "c", "d" }, col(s, "g"))
    assert.are.same({ 7, 7, 3, 5, NA, 1, NA }, col(s, "v"))
  end)

  it("takes the smallest with slice_min, NaN and NA still last", function()
    local df = modu.frame({ { "g", { 1, 1, 1, 2, 2 } }, { "x", { 0 / 0, 2.5, -1.0, NA, 0 / 0 } } })
    local s = df:group_by("g"):slice_min("x", 2)
    assert.are.same({ 1, 1, 2, 2 }, col(s, "g"))
    local x = col(s, "x")
    assert.are.same({ -1.0, 2.5 }, { x[1], x[2] })
    assert.are.equal(NA, x[3], "a group's missing values fill it in row order")
    assert.is_true(x[4] ~= x[4])
  end)

  it("orders text and dates, and works on a whole frame", function()
    local byd = sample():slice_max("d", 2)
    assert.are.same({ modu.date("2022-01-01"), modu.date("2021-05-01") }, col(byd, "d"))
    local byg = sample():slice_min("g", 1)
    assert.are.same({ "a", "a", "a", "a" }, col(byg, "g"))
    assert.are.same({ "d" }, col(sample():slice_max("g", 1), "g"))
  end)

  it("gives n = 0 rows, whole groups for a large n, and the same rows on both kernels", function()
    local df = sample()
    assert.are.equal(0, #df:group_by("g"):slice_max("v", 0))
    assert.are.same(col(df:group_by("g"):slice_max("v", 4), "v"), col(df:group_by("g"):slice_max("v", 100), "v"))
    -- n up to 16 keeps a buffer per group, above it each group is sorted: same answers
    local r = modu.frame({ { "g", modu.random.integers(4000, 1, 30, 8) }, { "x", modu.random.integers(4000, 1, 60, 9) },
                           { "row", modu.range(1, 4000) } })
    for _, ties in ipairs({ true, false }) do
      local small = r:group_by("g"):slice_max("x", 16, { with_ties = ties })
      local big = r:group_by("g"):slice_max("x", 17, { with_ties = ties })
      -- drop each group's 17th row (and, with ties, its ties) from big: the rest is small
      local bg, bx, brow = col(big, "g"), col(big, "x"), col(big, "row")
      local per, kept = {}, {}
      for i = 1, #bg do
        per[bg[i]] = (per[bg[i]] or 0) + 1
        kept[#kept + 1] = { bg[i], bx[i], brow[i], per[bg[i]] }
      end
      local sg, sx, srow = col(small, "g"), col(small, "x"), col(small, "row")
      local j = 0
      for _, t in ipairs(kept) do
        if j < #sg and sg[j + 1] == t[1] and srow[j + 1] == t[3] then
          j = j + 1
          assert.are.equal(sx[j], t[2])
        end
      end
      assert.are.equal(#sg, j, "every row of the n = 16 answer is in the n = 17 one, in order")
    end
  end)

  it("handles empty and one-row frames", function()
    local one = modu.frame({ { "g", { "x" } }, { "v", { 2.5 } } })
    assert.are.same({ 2.5 }, col(one:group_by("g"):slice_max("v", 2), "v"))
    local empty = one:filter("v > 3")
    local s = empty:group_by("g"):slice_min("v", 2)
    assert.are.equal(0, #s)
    assert.are.same({ "g", "v" }, s:names())
    assert.are.equal(0, #empty:slice_max("v"))
  end)

  it("raises on a wrong column, n or option", function()
    local g = sample():group_by("g")
    raises("slice_max: no column 'vv' (columns: g, v, d)", g.slice_max, g, "vv", 1)
    raises("slice_max: n must be an integer, got a float", g.slice_max, g, "v", 1.5)
    raises("slice_max: col must be a column name, got number", g.slice_max, g, 2, 1)
    raises("slice_max: self must be a modu.GroupedFrame", g.slice_max, sample(), "v", 1)
    raises("slice_min: n must be 0 or more, got -1", g.slice_min, g, "v", -1)
    raises("slice_max: unknown option 'ties' (options: with_ties)", g.slice_max, g, "v", 1, { ties = false })
    raises("slice_max: with_ties must be a boolean, got string", g.slice_max, g, "v", 1, { with_ties = "no" })
  end)
end)

describe("rolling sums in O(rows)", function()
  -- the window summed afresh at every row, in Lua
  local function naive(xs, n, mean)
    local out = {}
    for i = 1, #xs do
      if i < n then
        out[i] = NA
      else
        local s, bad = 0, false
        for t = i - n + 1, i do
          if xs[t] == NA then bad = true else s = s + xs[t] end
        end
        out[i] = bad and NA or (mean and s / n or s)
      end
    end
    return out
  end

  it("matches the window summed afresh, NA windows included, over a long column", function()
    local u = modu.random.uniform(5000, -1e6, 1e6, 21):to_table()
    for i = 1, #u do
      if i % 613 == 0 then u[i] = NA end
      if i % 101 == 0 then u[i] = u[i] * 1e-9 end -- mixed magnitudes
    end
    local c = modu.column(u)
    for _, n in ipairs({ 1, 3, 50 }) do
      for _, mean in ipairs({ false, true }) do
        local got = (mean and c:rolling_mean(n) or c:rolling_sum(n)):to_table()
        local want = naive(u, n, mean)
        for i = 1, #u do
          if want[i] == NA then assert.are.equal(NA, got[i], "row " .. i)
          else close_to(want[i], got[i], ("n = %d, row %d"):format(n, i)) end
        end
      end
    end
  end)

  it("gives NaN and inf only while they are in the window", function()
    local inf = math.huge
    local c = modu.column({ 1.0, inf, 2.0, 3.0, -inf, inf, 4.0, 5.0, 0 / 0, 6.0, 7.0, 8.0 })
    local r = c:rolling_sum(2):to_table()
    assert.are.equal(NA, r[1])
    assert.are.same({ inf, inf, 5.0, -inf }, { r[2], r[3], r[4], r[5] })
    assert.is_true(r[6] ~= r[6], "inf + -inf is NaN")
    assert.are.same({ inf, 9.0 }, { r[7], r[8] })
    assert.is_true(r[9] ~= r[9] and r[10] ~= r[10])
    assert.are.same({ 13.0, 15.0 }, { r[11], r[12] })
    local big = modu.column({ 1e308, 1e308, 1.0, 2.0 }):rolling_sum(2):to_table()
    assert.are.same({ NA, inf, 1e308, 3.0 }, big)
  end)

  it("restarts the window in each group", function()
    local df = modu.frame({ { "g", { "a", "b", "a", "b", "a", "a" } }, { "v", { 1, 10, 2, 20, 3, 4 } } })
    local m = df:group_by("g"):mutate({ { "r", "rolling_sum(v, 2)" } })
    assert.are.same({ NA, NA, 3.0, 30.0, 5.0, 7.0 }, col(m, "r"))
  end)
end)
