-- One timed modu.read_csv of a file, in a fresh process so the columns land in
-- memory the process never had. Prints "wall= cpu= rows= hwm_kib= col_bytes=".
--   lua5.4 bench/csv/read_modu.lua FILE
local modu = require "modu"
local common = dofile("bench/csv/common.lua")

local path = assert(arg[1], "usage: read_modu.lua FILE")
local base = common.status_kib("VmRSS") -- the interpreter and the loaded libraries
local w0, c0 = common.wall(), os.clock()
local df = modu.read_csv(path)
local wall, cpu = common.wall() - w0, os.clock() - c0
local hwm = common.status_kib("VmHWM") -- before the sizes below allocate anything
-- what the finished frame needs: values, NA bitmaps, and each text column's dictionary
local bytes = 0
for _, name in ipairs(df:names()) do
  local col = df:col(name)
  local width = ({ int = 8, float = 8, str = 4, date = 4, bool = 1 })[col:type()]
  bytes = bytes + width * #col + (col:count_na() > 0 and (#col + 63) // 64 * 8 or 0)
  if col:type() == "str" then
    for _, s in ipairs(df:distinct(name):col(name):to_table()) do bytes = bytes + #s + 8 end
  end
end
common.report({ wall = wall, cpu = cpu, rows = #df, hwm_kib = hwm, col_bytes = bytes, base_kib = base })
