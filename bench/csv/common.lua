-- Shared by the Lua readers of the CSV benchmark: a wall clock and the report line.
local common = {}

-- Lua has CPU time (os.clock) and whole seconds (os.time) only: the wall clock
-- is bench/dbbench's small C module, which csv_bench.lua builds into bench/data
common.wall = require("dbbench_clock").now

function common.status_kib(field)
  local f = assert(io.open("/proc/self/status"))
  local s = f:read("a")
  f:close()
  return tonumber(s:match(field .. ":%s*(%d+) kB")) or 0
end

-- Resets the process's peak-RSS mark (VmHWM) to its current RSS, so a later
-- VmHWM is the peak of what came after (Linux's /proc/PID/clear_refs, value 5)
function common.reset_hwm()
  local f = assert(io.open("/proc/self/clear_refs", "w"))
  f:write("5")
  f:close()
end

-- one line of key=value pairs, which csv_bench.lua parses
function common.report(t)
  local keys = {}
  for k in pairs(t) do keys[#keys + 1] = k end
  table.sort(keys)
  local parts = {}
  for _, k in ipairs(keys) do parts[#parts + 1] = ("%s=%s"):format(k, tostring(t[k])) end
  io.write(table.concat(parts, " "), "\n")
end

return common
