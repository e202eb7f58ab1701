-- The memory floor of the CSV benchmark: a frame of the file's shape (3 text,
-- 5 int, 1 float columns, N rows) made without reading anything, in a fresh
-- process. Its time is what putting the columns into new memory costs here.
--   lua5.4 bench/csv/floor_modu.lua N
local modu = require "modu"
local common = dofile("bench/csv/common.lua")

local n = assert(math.tointeger(tonumber(arg[1])), "usage: floor_modu.lua N")
local w0, c0 = common.wall(), os.clock()
local cols = {}
for k, t in ipairs({ "str", "str", "str", "int", "int", "int", "int", "int", "float" }) do
  local v = t == "str" and "id001" or t == "int" and 1 or 0.5
  cols[k] = { "c" .. k, modu.rep(v, n) }
end
local df = modu.frame(cols)
local wall, cpu = common.wall() - w0, os.clock() - c0
common.report({ wall = wall, cpu = cpu, rows = #df, hwm_kib = common.status_kib("VmHWM") })
