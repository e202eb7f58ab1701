-- q1 (sum of v1 by id1) in plain Lua 5.4 tables: what a Lua user writes
-- without modu. Loads only the two columns q1 needs, from the same CSV.
--   lua5.4 bench/dbbench/lua_q.lua data.csv out.tsv
local C = require "common"

local csv, out = arg[1], arg[2]
local w = C.writer(out)
local TOOL = "lua"
local VARIANT = TOOL .. "/1" -- one thread

w.line("info", TOOL, "version", _VERSION)
w.line("threads", VARIANT, 1)
local t0 = C.now()
local id1, v1, n = {}, {}, 0
local f = assert(io.open(csv))
local header = f:read("l")
assert(header:match("^id1,[^,]*,[^,]*,[^,]*,[^,]*,[^,]*,v1,"), "lua_q: unexpected header " .. header)
for line in f:lines() do
  local a, b = line:match("^([^,]*),[^,]*,[^,]*,[^,]*,[^,]*,[^,]*,([^,]*),")
  n = n + 1
  id1[n], v1[n] = a, math.tointeger(tonumber(b))
end
f:close()
w.line("load", VARIANT, C.now() - t0, n)
local peak = C.peak_kib()

local function q1()
  local sums = {}
  for i = 1, n do
    local k = id1[i]
    sums[k] = (sums[k] or 0) + v1[i]
  end
  return sums
end

local times, cpu, ans = {}, {}, nil
for run = 1, 2 do
  collectgarbage()
  local t, c = C.now(), os.clock()
  ans = q1()
  times[run], cpu[run] = C.now() - t, os.clock() - c
end
w.line("time", VARIANT, "q1", times[1], times[2], cpu[1], cpu[2])
peak = math.max(peak, C.peak_kib())

local groups, s, ws = 0, 0, 0
for k, v in pairs(ans) do
  groups = groups + 1
  s = s + v
  ws = ws + v * (1 + (C.WEIGHT.id1 * math.tointeger(tonumber(k:sub(3)))) % C.MOD)
end
w.line("digest", VARIANT, "q1", "ngroups", groups)
w.line("digest", VARIANT, "q1", "v1.n", groups)
w.line("digest", VARIANT, "q1", "v1.sum", s + 0.0)
w.line("digest", VARIANT, "q1", "v1.wsum", ws + 0.0)
w.line("mem", TOOL, peak)
w.close()
