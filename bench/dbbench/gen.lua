-- The db-benchmark group-by table, made by modu's own seeded generators: N rows,
-- K = 100; written once to CSV so that every tool in the benchmark reads the same file.
--   lua5.4 bench/dbbench/gen.lua N path        (N may be written 1e6)
local modu = require "modu"

local K = 100
-- one seed per column, fixed: the same N gives the same file on every machine
local SEED = 20240317

local function levels(fmt, n)
  local t = {}
  for i = 1, n do t[i] = fmt:format(i) end
  return t
end

local function generate(n)
  local nk = math.max(1, n // K) -- N/K levels of id3 and id6
  local small, big = levels("id%03d", K), levels("id%010d", nk)
  local r = modu.random
  local df = modu.frame({
    { "id1", r.choice(small, n, SEED + 1) },
    { "id2", r.choice(small, n, SEED + 2) },
    { "id3", r.choice(big, n, SEED + 3) },
    { "id4", r.integers(n, 1, K, SEED + 4) },
    { "id5", r.integers(n, 1, K, SEED + 5) },
    { "id6", r.integers(n, 1, nk, SEED + 6) },
    { "v1", r.integers(n, 1, 5, SEED + 7) },
    { "v2", r.integers(n, 1, 15, SEED + 8) },
    { "v3", r.uniform(n, 0, 100, SEED + 9) },
  })
  return df:mutate({ v3 = "round(v3, 6)" })
end

local function main(nstr, path)
  local n = math.tointeger(tonumber(nstr))
  if not n or n < 1 then error("gen.lua: N must be a positive whole number, got " .. tostring(nstr)) end
  local df = generate(n)
  df:write_csv(path)
  return df
end

if arg and arg[0] and arg[0]:match("gen%.lua$") then
  main(arg[1], arg[2])
end
return { generate = generate, K = K, SEED = SEED }
