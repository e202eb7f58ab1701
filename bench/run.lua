-- Runs every benchmark in bench/ and prints its report. `make bench` calls it;
-- N (rows) comes from the environment, as `make bench N=1e6`.
package.path = "bench/?.lua;" .. package.path
local results, failed = {}, {}
local BENCHES = { "memory", "dbbench", "text_bench", "sqlite_bench", "csv_bench", "csv_write_bench", "stats_bench" }
for _, name in ipairs(BENCHES) do
  -- a benchmark is bench/NAME.lua, or bench/NAME/run.lua when it has files of its own
  local dir = "bench/" .. name .. "/run.lua"
  local f = io.open(dir)
  if f then f:close() end
  -- one failing benchmark (a wrong answer fails dbbench) does not stop the others
  local ok, res = pcall(dofile, f and dir or "bench/" .. name .. ".lua")
  if ok then
    results[name] = res
  else
    failed[#failed + 1] = name .. ": " .. tostring(res)
  end
end
if #failed > 0 then error("bench: failed\n" .. table.concat(failed, "\n"), 0) end
return results
