-- The main job (`make run`): the battle for Modu, from the embedded dataset.
-- Prints the report in the terminal and writes out/report.md and out/report.html.
--   lua5.4 examples/battle_for_modu.lua [outdir]
local modu = require "modu"
local report = require "modu.report"

local outdir = arg and arg[1] or "out"
local db <close> = modu.open()                 -- in memory, with the dataset loaded
local t = modu.data.tables(db)                 -- every table of the dataset, read back as frames
local r = report.compute(t, modu.data.check(t))

print(report.text(r))

assert(os.execute(("mkdir -p '%s'"):format(outdir:gsub("'", "'\\''"))), "cannot create " .. outdir)
for name, body in pairs({ ["report.md"] = report.markdown(r), ["report.html"] = report.html(r) }) do
  local path = outdir .. "/" .. name
  local f = assert(io.open(path, "w"))
  f:write(body, "\n")
  f:close()
  print("wrote " .. path)
end
