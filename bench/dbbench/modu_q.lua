-- The ten db-benchmark group-by questions in modu: read the CSV, answer each
-- question twice (the second run is the one reported), digest each answer.
--   lua5.4 bench/dbbench/modu_q.lua data.csv out.tsv
local modu = require "modu"
local C = require "common"

local csv, out = arg[1], arg[2]
local w = C.writer(out)
local TOOL = "modu"
local VARIANT = TOOL .. "/1" -- one thread

-- {name, keys, build(x) -> answer frame, value columns}
local function agg(keys, spec)
  return function(x)
    local g <close> = x:group_by(table.unpack(keys))
    return g:agg(spec)
  end
end

local QUESTIONS = {
  { "q1", { "id1" }, agg({ "id1" }, { { "v1", "sum(v1)" } }), { "v1" } },
  { "q2", { "id1", "id2" }, agg({ "id1", "id2" }, { { "v1", "sum(v1)" } }), { "v1" } },
  { "q3", { "id3" }, agg({ "id3" }, { { "v1", "sum(v1)" }, { "v3", "mean(v3)" } }), { "v1", "v3" } },
  { "q4", { "id4" }, agg({ "id4" }, { { "v1", "mean(v1)" }, { "v2", "mean(v2)" }, { "v3", "mean(v3)" } }),
    { "v1", "v2", "v3" } },
  { "q5", { "id6" }, agg({ "id6" }, { { "v1", "sum(v1)" }, { "v2", "sum(v2)" }, { "v3", "sum(v3)" } }),
    { "v1", "v2", "v3" } },
  { "q6", { "id4", "id5" }, agg({ "id4", "id5" }, { { "median_v3", "median(v3)" }, { "sd_v3", "sd(v3)" } }),
    { "median_v3", "sd_v3" } },
  { "q7", { "id3" }, agg({ "id3" }, { { "range_v1_v2", "max(v1) - min(v2)" } }), { "range_v1_v2" } },
  -- the two largest v3 of each id6, as dplyr says it (slice_max): one pass
  -- keeps each group's best two; exactly two rows, as head(2) in data.table
  { "q8", { "id6" }, function(x)
      local g <close> = x:group_by("id6")
      return g:slice_max("v3", 2, { with_ties = false })
    end, { "v3" } },
  { "q9", { "id2", "id4" }, agg({ "id2", "id4" }, { { "r2", "cor(v1, v2)^2" } }), { "r2" } },
  { "q10", { "id1", "id2", "id3", "id4", "id5", "id6" },
    agg({ "id1", "id2", "id3", "id4", "id5", "id6" }, { { "v3", "sum(v3)" }, { "count", "count()" } }),
    { "v3", "count" } },
}

-- The answer's digest: groups, and for each value column the number of values
-- that are neither NA nor NaN, their sum, and their sum weighted by the key.
local function digest(q, ans)
  local keys, values = q[2], q[4]
  local frame, terms = ans, {}
  local owned = {}
  for _, k in ipairs(keys) do
    local kcol = "k_" .. k
    if ans:col(k):type() == "str" then
      -- text ids carry their number in the digits after "id"
      local d <close> = frame:distinct(k)
      local ids = d:to_columns()[k]
      local nums = {}
      for i, s in ipairs(ids) do nums[i] = math.tointeger(tonumber(s:sub(3))) end
      local lookup <close> = modu.frame({ { k, ids }, { kcol, nums } })
      frame = frame:join(lookup, { on = k, how = "left" })
    else
      frame = frame:mutate({ [kcol] = k })
    end
    owned[#owned + 1] = frame
    terms[#terms + 1] = ("%d * %s"):format(C.WEIGHT[k], kcol)
  end
  frame = frame:mutate({ w__ = ("1 + (%s) %% %d"):format(table.concat(terms, " + "), C.MOD) })
  owned[#owned + 1] = frame
  w.line("digest", VARIANT, q[1], "ngroups", #frame)
  for _, v in ipairs(values) do
    local ok <close> = frame:filter(("%s == %s"):format(v, v))
    local a <close> = ok:agg({ { "n", "count()" }, { "s", ("sum(%s)"):format(v) },
                              { "ws", ("sum(%s * w__)"):format(v) } })
    local r = a:row(1)
    local s, ws = r.s, r.ws
    if s == modu.NA then s, ws = 0, 0 end
    w.line("digest", VARIANT, q[1], v .. ".n", r.n)
    w.line("digest", VARIANT, q[1], v .. ".sum", s + 0.0)
    w.line("digest", VARIANT, q[1], v .. ".wsum", ws + 0.0)
  end
  for _, f in ipairs(owned) do f:close() end
end

w.line("info", TOOL, "version", modu._VERSION)
w.line("threads", VARIANT, 1)
collectgarbage()
local t0 = C.now()
local x = modu.read_csv(csv, { types = { id1 = "str", id2 = "str", id3 = "str", id4 = "int", id5 = "int",
                                         id6 = "int", v1 = "int", v2 = "int", v3 = "float" } })
w.line("load", VARIANT, C.now() - t0, #x)
local peak = C.peak_kib()
local only = os.getenv("DBBENCH_ONLY")
for _, q in ipairs(QUESTIONS) do
  if not only or ("," .. only .. ","):find("," .. q[1] .. ",", 1, true) then
    local times, cpu, ans = {}, {}, nil
    for run = 1, 2 do
      if ans then ans:close() end -- the first run's answer is not kept during the second
      collectgarbage()
      local t, c = C.now(), os.clock()
      ans = q[3](x)
      times[run], cpu[run] = C.now() - t, os.clock() - c
    end
    w.line("time", VARIANT, q[1], times[1], times[2], cpu[1], cpu[2])
    peak = math.max(peak, C.peak_kib())
    digest(q, ans)
    ans:close()
    collectgarbage()
    C.reset_peak()
  end
end
w.line("mem", TOOL, peak)
w.close()
