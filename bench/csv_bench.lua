-- CSV read: modu.read_csv against data.table::fread, pandas.read_csv, DuckDB's
-- read_csv, the SQLite CLI's .import and a plain-Lua reader, on one file in one
-- run (the db-benchmark table of bench/dbbench), each read in a fresh process.
-- `make bench` runs it (N=1e6 quick, N=1e7 the reference); it prints a table
-- and writes the "## CSV read" section of bench/RESULTS.md.
-- Environment: N rows; CSV_BENCH_ROUNDS reads per tool (best wall time kept;
-- 3, or 2 from 1e7 rows); CSV_BENCH_TOOLS=modu,duckdb,... only those (and then
-- RESULTS.md is left alone).
local H = dofile("bench/csv/harness.lua")
local NODE_DIR, LUA = H.NODE_DIR, H.LUA
local SECTION = "## CSV read"
local TARGET_MBS = 250
local shq, capture, lua_env, fmt_n, fmt_s = H.shq, H.capture, H.lua_env, H.fmt_n, H.fmt_s
local log = H.logger("csv_bench")
local ensure_duckdb = H.ensure_duckdb
local SQLITE_SCHEMA = H.SQLITE_SCHEMA

-- every reader prints one line of key=value pairs: wall, cpu, rows, hwm_kib
local TOOLS = {
  { name = "modu", label = "modu", threads = 1,
    cmd = function(file) return ("%s %s bench/csv/read_modu.lua %s"):format(lua_env(), LUA, shq(file)) end },
  { name = "fread1", label = "data.table::fread", threads = 1,
    check = "Rscript -e 'library(data.table)'", apt = { "r-base-core", "r-cran-data.table" },
    cmd = function(file) return ("Rscript bench/csv/read_datatable.R %s 1"):format(shq(file)) end },
  { name = "fread", label = "data.table::fread", threads = 0,
    check = "Rscript -e 'library(data.table)'", apt = { "r-base-core", "r-cran-data.table" },
    cmd = function(file) return ("Rscript bench/csv/read_datatable.R %s 0"):format(shq(file)) end },
  { name = "pandas", label = "pandas.read_csv", threads = 1,
    check = "/usr/bin/python3 -c 'import pandas'", apt = { "python3-pandas" },
    cmd = function(file) return ("/usr/bin/python3 bench/csv/read_pandas.py %s"):format(shq(file)) end },
  { name = "duckdb1", label = "DuckDB read_csv", threads = 1, setup = ensure_duckdb,
    cmd = function(file)
      return ("NODE_PATH=%s node bench/csv/read_duckdb.js %s 1"):format(NODE_DIR .. "/node_modules", shq(file))
    end },
  { name = "duckdb", label = "DuckDB read_csv", threads = 0, setup = ensure_duckdb,
    cmd = function(file)
      return ("NODE_PATH=%s node bench/csv/read_duckdb.js %s 0"):format(NODE_DIR .. "/node_modules", shq(file))
    end },
  { name = "sqlite", label = "SQLite CLI .import", threads = 1,
    check = "command -v sqlite3 && test -x /usr/bin/time", apt = { "sqlite3", "time" },
    cmd = function(file)
      -- a typed table, as the others give typed columns; the CLI starts in milliseconds
      return ("/usr/bin/time -o /dev/stdout -f 'wall=%%e cpu_u=%%U cpu_s=%%S hwm_kib=%%M' sqlite3 :memory: %s %s %s")
        :format(
        shq(SQLITE_SCHEMA), shq(".import --csv --skip 1 " .. file .. " x"), shq("SELECT 'rows=' || count(*) FROM x"))
    end },
  { name = "lua", label = "plain Lua reader", threads = 1,
    cmd = function(file) return ("%s %s bench/csv/read_lua.lua %s"):format(lua_env(), LUA, shq(file)) end },
}

local parse_report = H.parse_report

local function section(ctx, rows)
  local out = {}
  local function add(s) out[#out + 1] = s end
  add(("### N = %s (%d rows)"):format(fmt_n(ctx.n), ctx.n))
  add("")
  add(("- Command: `make bench N=%s`; run %s; %d rounds, each tool in a fresh process per read, best wall time kept.")
    :format(fmt_n(ctx.n), ctx.date, ctx.rounds))
  add(("- Machine: %s; load average %s at the start (other work shares the 2 cores: CPU seconds are the steadier "
    .. "figure)."):format(ctx.machine, ctx.load))
  add(("- File: `%s`, %.1f MB (%d bytes), made by `bench/dbbench/gen.lua`."):format(ctx.file, ctx.size / 1e6, ctx.size))
  add(("- Versions: %s."):format(ctx.versions))
  add("")
  add("| reader | threads | wall s | MB/s (wall) | CPU s | MB/s (CPU) | peak RSS MiB | wall ÷ modu's | "
    .. "CPU ÷ modu's |")
  add("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
  local m = ctx.modu
  for _, r in ipairs(rows) do
    if r.err then
      add(("| %s | %s | — | — | — | — | — | %s | |"):format(r.label, r.threads, r.err))
    else
      local mb = ctx.size / 1e6
      add(("| %s | %d | %s | %.0f | %s | %.0f | %.0f | %.2f | %.2f |"):format(r.label, r.threads, fmt_s(r.wall),
        mb / r.wall, fmt_s(r.cpu), mb / r.cpu, r.hwm_kib / 1024, r.wall / m.wall, r.cpu / m.cpu))
    end
  end
  add("")
  add(("- modu: %.0f MB/s wall, %.0f MB/s on CPU time, against the target of %d MB/s on one core: %s.")
    :format(ctx.size / 1e6 / m.wall, ctx.size / 1e6 / m.cpu, TARGET_MBS,
      ctx.size / 1e6 / m.wall >= TARGET_MBS and "met" or "not met on wall time"))
  if ctx.floor then
    add(("- For scale: filling a frame of the same shape and size with `modu.rep`, no file involved "
      .. "(`bench/csv/floor_modu.lua`, column memory as the reader gets it), takes %s s wall, %s s CPU in a fresh "
      .. "process here: the part of a read that is only first touches of new memory.")
      :format(fmt_s(ctx.floor.wall), fmt_s(ctx.floor.cpu)))
  end
  add(("- Memory: modu's peak RSS %.0f MiB for the %.0f MB file: %.0f MiB of interpreter and libraries before the "
    .. "read, the finished frame's %.0f MiB (values + dictionaries), and %.1f MiB more at the peak (read buffer, "
    .. "batch, type promotion and the dictionaries' hash tables).")
    :format(m.hwm_kib / 1024, ctx.size / 1e6, m.base_kib / 1024, m.col_bytes / 2 ^ 20,
      (m.hwm_kib - m.base_kib) / 1024 - m.col_bytes / 2 ^ 20))
  add("")
  return table.concat(out, "\n")
end

local function write_results(ctx, part)
  H.write_results(SECTION, "Written by `bench/csv_bench.lua` (`make bench`); one part per N. Each reader loads the "
    .. "whole file into its own typed table.", ctx.n, part)
end

local function main()
  local n = math.tointeger(tonumber(os.getenv("N") or "1e6"))
  assert(n and n >= 100, "csv_bench: N must be a whole number >= 100")
  local rounds = math.tointeger(tonumber(os.getenv("CSV_BENCH_ROUNDS") or (n >= 1e7 and "2" or "3")))
  local only = os.getenv("CSV_BENCH_TOOLS")
  H.build_clock()
  local file = H.ensure_data(n)
  local size = tonumber(capture("stat -c %s " .. shq(file)))
  local load = capture("cut -d' ' -f1-3 /proc/loadavg")
  local ready, results = H.setup_tools(TOOLS, only)
  -- rounds go across the tools, so a change in the machine's load hits all alike
  for round = 1, rounds do
    for _, t in ipairs(ready) do
      local r = results[t.name]
      local out = capture(t.cmd(file))
      local rep = parse_report(out)
      if not rep.wall or rep.rows ~= n then
        r.err = r.err or ("failed: " .. out:sub(1, 80):gsub("[|\n]", " "))
      elseif not r.wall or rep.wall < r.wall then
        for k, v in pairs(rep) do r[k] = v end
      end
      log("round %d %-8s %s", round, t.name, rep.wall and ("%.2f s wall, %.2f s cpu"):format(rep.wall, rep.cpu) or out)
    end
  end
  local rows = {} -- in TOOLS order; fread and DuckDB report the threads they used
  for _, t in ipairs(TOOLS) do
    if results[t.name] then rows[#rows + 1] = results[t.name] end
  end
  -- the floor: best of the rounds, as for the readers
  local floor
  if results.modu then
    for _ = 1, rounds do
      local rep = parse_report(capture(("%s %s bench/csv/floor_modu.lua %d"):format(lua_env(), LUA, n)))
      if rep.wall and (not floor or rep.wall < floor.wall) then floor = rep end
    end
  end
  local modu = results.modu
  assert(modu and modu.wall, "csv_bench: modu did not read the file: " .. tostring(modu and modu.err))
  local ctx = {
    n = n, rounds = rounds, file = file, size = size, load = load, modu = modu, floor = floor,
    date = os.date("!%Y-%m-%d %H:%M UTC"), versions = H.versions(rows), machine = H.machine(),
  }
  local part = section(ctx, rows)
  print(SECTION)
  print(part)
  if not only then write_results(ctx, part) end
  return { n = n, size = size, results = results }
end

return main()
