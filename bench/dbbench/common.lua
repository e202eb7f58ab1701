-- What the Lua-side drivers share: the wall clock, the peak-RSS probe, and the
-- line format every driver (Lua, R, Python, JavaScript) writes its results in.
local clock = require "dbbench_clock"

local M = { now = clock.now }

-- The digest's key weight: w = 1 + (sum of WEIGHT[key] * number in the key) % 997,
-- the key's number being the digits of a text id (id001 -> 1) or the int itself.
-- Every driver computes it the same way; see README.md.
M.WEIGHT = { id1 = 3, id2 = 5, id3 = 7, id4 = 11, id5 = 13, id6 = 17 }
M.MOD = 997

local function status_kib(field)
  local f = io.open("/proc/self/status")
  if not f then return nil end
  local s = f:read("a")
  f:close()
  return tonumber(s:match(field .. ":%s*(%d+) kB"))
end

-- peak RSS so far, in KiB
function M.peak_kib() return status_kib("VmHWM") end

-- Starts the peak over from the current RSS (Linux: clear_refs 5), so that a
-- digest, computed after a question's timed runs, is not counted as its peak.
function M.reset_peak()
  local f = io.open("/proc/self/clear_refs", "w")
  if not f then return false end
  local ok = f:write("5")
  f:close()
  return ok ~= nil
end

-- The result file: one record a line, fields separated by tabs.
function M.writer(path)
  local f = assert(io.open(path, "w"))
  local w = {}
  function w.line(...)
    local t = table.pack(...)
    for i = 1, t.n do
      local v = t[i]
      if math.type(v) == "float" then v = ("%.17g"):format(v) end
      t[i] = tostring(v)
    end
    f:write(table.concat(t, "\t", 1, t.n), "\n")
    f:flush()
  end
  function w.close() f:close() end
  return w
end

return M
