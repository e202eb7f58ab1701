-- Runs every benchmark in bench/ and prints its report. `make bench` calls it;
-- N (rows) comes from the environment, as `make bench N=1e6`.
package.path = "bench/?.lua;" .. package.path
local results = {}
for _, name in ipairs({ "memory" }) do
  results[name] = dofile("bench/" .. name .. ".lua")
end
return results
