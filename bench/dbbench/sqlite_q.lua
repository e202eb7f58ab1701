-- The ten db-benchmark group-by questions in the SQLite CLI: one sqlite3 process
-- imports the CSV and saves the database; each question then runs in its own
-- sqlite3 process (restored into memory) under a time limit, so a slow
-- question reports "timeout" instead of stalling the benchmark.
--   lua5.4 bench/dbbench/sqlite_q.lua data.csv out.tsv workdir
local C = require "common"

local csv, out, workdir = arg[1], arg[2], arg[3]
local w = C.writer(out)
local TOOL = "sqlite"
local VARIANT = TOOL .. "/1" -- one thread
-- seconds one question's process may take (restore, two runs, digest), and for all ten
local LIMIT = tonumber(os.getenv("DBBENCH_SQLITE_TIMEOUT") or "600")
local BUDGET = tonumber(os.getenv("DBBENCH_SQLITE_BUDGET") or "2400")

local function shq(s) return "'" .. s:gsub("'", "'\\''") .. "'" end
local function sqlq(s) return "'" .. s:gsub("'", "''") .. "'" end

-- runs a sqlite3 script under `timeout`; returns its output, whether it
-- finished, and its peak RSS in KiB
local function sqlite(script, limit)
  local sql, mem = workdir .. "/script.sql", workdir .. "/mem.txt"
  local f = assert(io.open(sql, "w"))
  f:write(script)
  f:close()
  local p = assert(io.popen(("/usr/bin/time -f %%M -o %s timeout -k 5 %d sqlite3 -batch < %s 2>&1"):format(
    shq(mem), math.max(1, math.floor(limit)), shq(sql))))
  local text = p:read("a")
  local ok, _, code = p:close()
  local m = io.open(mem)
  local kib = m and tonumber((m:read("a"):match("(%d+)%s*$"))) or 0
  if m then m:close() end
  if not ok and code ~= 124 and code ~= 137 then
    error(("sqlite_q: sqlite3 failed (exit %s):\n%s"):format(tostring(code), text))
  end
  return text, ok, kib
end

local Q = {
  { "q1", { "id1" }, { "v1" }, "SELECT id1, sum(v1) AS v1 FROM x GROUP BY id1" },
  { "q2", { "id1", "id2" }, { "v1" }, "SELECT id1, id2, sum(v1) AS v1 FROM x GROUP BY id1, id2" },
  { "q3", { "id3" }, { "v1", "v3" }, "SELECT id3, sum(v1) AS v1, avg(v3) AS v3 FROM x GROUP BY id3" },
  { "q4", { "id4" }, { "v1", "v2", "v3" },
    "SELECT id4, avg(v1) AS v1, avg(v2) AS v2, avg(v3) AS v3 FROM x GROUP BY id4" },
  { "q5", { "id6" }, { "v1", "v2", "v3" },
    "SELECT id6, sum(v1) AS v1, sum(v2) AS v2, sum(v3) AS v3 FROM x GROUP BY id6" },
  -- SQLite has no median or sd: the median is the middle row (or the mean of
  -- the two middle rows) of each group in v3 order; sd from the sums of powers
  { "q6", { "id4", "id5" }, { "median_v3", "sd_v3" }, [[
WITH r AS (SELECT id4, id5, v3,
                  row_number() OVER (PARTITION BY id4, id5 ORDER BY v3) AS rn,
                  count(*) OVER (PARTITION BY id4, id5) AS cnt
           FROM x WHERE v3 IS NOT NULL)
SELECT id4, id5, avg(CASE WHEN rn IN ((cnt + 1) / 2, (cnt + 2) / 2) THEN v3 END) AS median_v3,
       sqrt((sum(v3 * v3) - sum(v3) * sum(v3) / count(*)) / (count(*) - 1)) AS sd_v3
FROM r GROUP BY id4, id5]] },
  { "q7", { "id3" }, { "range_v1_v2" }, "SELECT id3, max(v1) - min(v2) AS range_v1_v2 FROM x GROUP BY id3" },
  { "q8", { "id6" }, { "v3" }, [[
SELECT id6, v3 FROM (SELECT id6, v3, row_number() OVER (PARTITION BY id6 ORDER BY v3 DESC) AS rn
                     FROM x WHERE v3 IS NOT NULL) WHERE rn <= 2]] },
  -- no corr() either: r^2 from integer sums, exact until the final division
  { "q9", { "id2", "id4" }, { "r2" }, [[
SELECT id2, id4, sxy * 1.0 * sxy / (sxx * 1.0 * syy) AS r2
FROM (SELECT id2, id4, count(*) * sum(v1 * v2) - sum(v1) * sum(v2) AS sxy,
             count(*) * sum(v1 * v1) - sum(v1) * sum(v1) AS sxx,
             count(*) * sum(v2 * v2) - sum(v2) * sum(v2) AS syy
      FROM x GROUP BY id2, id4)]] },
  { "q10", { "id1", "id2", "id3", "id4", "id5", "id6" }, { "v3", "count" },
    "SELECT id1, id2, id3, id4, id5, id6, sum(v3) AS v3, count(*) AS count FROM x " ..
    "GROUP BY id1, id2, id3, id4, id5, id6" },
}

local function digest_sql(keys, values)
  local terms = {}
  for _, k in ipairs(keys) do
    local num = k:match("^id[123]$") and ("CAST(substr(%s, 3) AS INTEGER)"):format(k) or k
    terms[#terms + 1] = ("%d * %s"):format(C.WEIGHT[k], num)
  end
  local wexpr = ("(1 + (%s) %% %d)"):format(table.concat(terms, " + "), C.MOD)
  local parts = { "'digest'", "count(*)" }
  for _, v in ipairs(values) do -- SQLite turns NaN into NULL, so count(v) skips both
    parts[#parts + 1] = ("count(%s), printf('%%.17g', total(%s)), printf('%%.17g', total(%s * %s))"):format(
      v, v, v, wexpr)
  end
  return "SELECT " .. table.concat(parts, ", ") .. " FROM ans;\n"
end

local version = io.popen("sqlite3 --version"):read("l") or "?"
w.line("info", TOOL, "version", "SQLite " .. (version:match("^(%S+)") or version))
w.line("threads", VARIANT, 1)

local db = workdir .. "/x.sqlite"
os.remove(db)
local now_sql = "SELECT 'clock', printf('%.6f', (julianday('now') - 2440587.5) * 86400.0);\n"
local text, ok, peak = sqlite(table.concat({
  ".mode tabs\n",
  "CREATE TABLE x(id1 TEXT, id2 TEXT, id3 TEXT, id4 INTEGER, id5 INTEGER, id6 INTEGER, ",
  "v1 INTEGER, v2 INTEGER, v3 REAL);\n",
  now_sql,
  ".import --csv --skip 1 ", sqlq(csv), " x\n",
  now_sql,
  "SELECT 'rows', count(*) FROM x;\n",
  ".backup main ", sqlq(db), "\n",
}), BUDGET)
if not ok then error("sqlite_q: the import did not finish in " .. BUDGET .. " s") end
local clocks = {}
for t in text:gmatch("clock\t([%d.]+)") do clocks[#clocks + 1] = tonumber(t) end
w.line("load", VARIANT, clocks[2] - clocks[1], math.tointeger(tonumber(text:match("rows\t(%d+)"))))

local started = C.now()
local only = os.getenv("DBBENCH_ONLY")
for _, q in ipairs(Q) do
  if not only or ("," .. only .. ","):find("," .. q[1] .. ",", 1, true) then
    local left = BUDGET - (C.now() - started)
    if left < 1 then
      w.line("timeout", VARIANT, q[1], "budget")
    else
      local run = ".timer on\nCREATE TABLE ans AS " .. q[4] .. ";\n.timer off\n"
      local script = table.concat({
        ".restore ", sqlq(db), "\n",
        "PRAGMA temp_store = MEMORY;\n",
        ".mode tabs\n",
        run, "DROP TABLE ans;\n", run,
        digest_sql(q[2], q[3]),
      })
      local res, done, kib = sqlite(script, math.min(LIMIT, left))
      peak = math.max(peak, kib)
      local times, cpu = {}, {}
      for t, u, s in res:gmatch("Run Time: real ([%d.]+) user ([%d.]+) sys ([%d.]+)") do
        times[#times + 1], cpu[#cpu + 1] = tonumber(t), tonumber(u) + tonumber(s)
      end
      local d = res:match("digest\t([^\n]*)")
      if not done or #times < 2 or not d then
        w.line("timeout", VARIANT, q[1], math.min(LIMIT, left), times[1] or "-")
      else
        w.line("time", VARIANT, q[1], times[1], times[2], cpu[1], cpu[2])
        local f = {}
        for v in d:gmatch("[^\t]+") do f[#f + 1] = v end
        w.line("digest", VARIANT, q[1], "ngroups", f[1])
        for i, v in ipairs(q[3]) do
          w.line("digest", VARIANT, q[1], v .. ".n", f[3 * i - 1])
          w.line("digest", VARIANT, q[1], v .. ".sum", f[3 * i])
          w.line("digest", VARIANT, q[1], v .. ".wsum", f[3 * i + 1])
        end
      end
    end
  end
end
os.remove(db)
w.line("mem", TOOL, peak)
w.close()
