-- One timed df:write_csv of the benchmark file's frame, in a fresh process:
-- the file is read first (untimed), then the peak-RSS mark is reset so the
-- report's hwm_kib is the peak during the write.
--   lua5.4 bench/csv/write_modu.lua FILE OUT
-- Prints "wall= cpu= rows= hwm_kib= base_kib=".
local modu = require "modu"
local common = dofile("bench/csv/common.lua")

local path, out = assert(arg[1], "usage: write_modu.lua FILE OUT"), assert(arg[2], "usage: write_modu.lua FILE OUT")
local df = modu.read_csv(path)
common.reset_hwm()
local base = common.status_kib("VmRSS")
local w0, c0 = common.wall(), os.clock()
df:write_csv(out)
local wall, cpu = common.wall() - w0, os.clock() - c0
common.report({ wall = wall, cpu = cpu, rows = #df, hwm_kib = common.status_kib("VmHWM"), base_kib = base })
