-- CSV write: df:write_csv against data.table::fwrite (one thread and its
-- default), pandas' to_csv, DuckDB's COPY ... TO and the SQLite CLI's
-- .mode csv/.once, writing the db-benchmark table (bench/dbbench's file: text,
-- int and float columns) in one run. Each tool runs in a fresh process that
-- first loads the file (untimed), then writes it once, timed; peak RSS is the
-- process's peak during the write (its mark reset after loading).
-- `make bench` runs it (N=1e6 quick, N=1e7 the reference); it prints a table
-- and writes the "## CSV write" section of bench/RESULTS.md.
-- Environment: N rows; CSV_WRITE_ROUNDS writes per tool (best wall time kept;
-- 3, or 2 from 1e7 rows); CSV_BENCH_TOOLS=modu,duckdb,... only those (and then
-- RESULTS.md is left alone).
local H = dofile("bench/csv/harness.lua")
local shq, capture, fmt_n, fmt_s = H.shq, H.capture, H.fmt_n, H.fmt_s
local log = H.logger("csv_write_bench")
local SECTION = "## CSV write"

local function duckdb(threads)
  return function(file, out)
    return ("NODE_PATH=%s node bench/csv/write_duckdb.js %s %s %d"):format(H.NODE_DIR .. "/node_modules", shq(file),
      shq(out), threads)
  end
end

local function fwrite(threads)
  return function(file, out)
    return ("Rscript bench/csv/write_datatable.R %s %s %d"):format(shq(file), shq(out), threads)
  end
end

-- every writer prints one line of key=value pairs: wall, cpu, rows, hwm_kib, base_kib
local TOOLS = {
  { name = "modu", label = "modu write_csv", threads = 1,
    cmd = function(file, out)
      return ("%s %s bench/csv/write_modu.lua %s %s"):format(H.lua_env(), H.LUA, shq(file), shq(out))
    end },
  { name = "fwrite1", label = "data.table::fwrite", threads = 1, cmd = fwrite(1),
    check = "Rscript -e 'library(data.table)'", apt = { "r-base-core", "r-cran-data.table" } },
  { name = "fwrite", label = "data.table::fwrite", threads = 0, cmd = fwrite(0),
    check = "Rscript -e 'library(data.table)'", apt = { "r-base-core", "r-cran-data.table" } },
  { name = "pandas", label = "pandas to_csv", threads = 1,
    check = "/usr/bin/python3 -c 'import pandas'", apt = { "python3-pandas" },
    cmd = function(file, out)
      return ("/usr/bin/python3 bench/csv/write_pandas.py %s %s"):format(shq(file), shq(out))
    end },
  { name = "duckdb1", label = "DuckDB COPY TO", threads = 1, setup = H.ensure_duckdb, cmd = duckdb(1) },
  { name = "duckdb", label = "DuckDB COPY TO", threads = 0, setup = H.ensure_duckdb, cmd = duckdb(0) },
  { name = "sqlite", label = "SQLite CLI .mode csv", threads = 1,
    check = "command -v sqlite3", apt = { "sqlite3" },
    cmd = function(file, out)
      return ("sh bench/csv/write_sqlite.sh %s %s %s"):format(shq(file), shq(out), shq(H.SQLITE_SCHEMA))
    end },
}

-- the SQLite script reports clock marks and CPU ticks; the others their figures
local function report(text)
  local r = H.parse_report(text)
  if r.w0 and r.w1 then
    local tck = tonumber(capture("getconf CLK_TCK")) or 100
    r.wall = r.w1 - r.w0
    r.cpu = (r.u1 + r.s1 - r.u0 - r.s0) / tck
  end
  return r
end

local function section(ctx, rows)
  local out = {}
  local function add(s) out[#out + 1] = s end
  add(("### N = %s (%d rows)"):format(fmt_n(ctx.n), ctx.n))
  add("")
  add(("- Command: `make bench N=%s` (alone: `N=%s lua5.4 bench/csv_write_bench.lua` with the Makefile's LUA_PATH "
    .. "and LUA_CPATH); run %s; %d round%s, each tool in a fresh process per write, best wall time kept.")
    :format(fmt_n(ctx.n), fmt_n(ctx.n), ctx.date, ctx.rounds, ctx.rounds == 1 and "" or "s"))
  add(("- Machine: %s; load average %s at the start (other work shares the 2 cores: CPU seconds are the steadier "
    .. "figure)."):format(ctx.machine, ctx.load))
  add(("- Input: `%s`, %.1f MB, loaded by each tool before its clock starts; output to `%s`, removed after each "
    .. "write."):format(ctx.file, ctx.size / 1e6, ctx.outdir))
  add(("- Versions: %s."):format(ctx.versions))
  add("")
  add("| writer | threads | wall s | MB/s (wall) | CPU s | peak RSS MiB | RSS growth MiB | output = input | "
    .. "wall ÷ modu's | CPU ÷ modu's |")
  add("|---|---:|---:|---:|---:|---:|---:|:---:|---:|---:|")
  local m = ctx.modu
  for _, r in ipairs(rows) do
    if r.err then
      add(("| %s | %s | — | — | — | — | — | — | %s | |"):format(r.label, r.threads, r.err))
    else
      add(("| %s | %d | %s | %.0f | %s | %.0f | %.0f | %s | %.2f | %.2f |"):format(r.label, r.threads, fmt_s(r.wall),
        r.bytes / 1e6 / r.wall, fmt_s(r.cpu), r.hwm_kib / 1024, (r.hwm_kib - r.base_kib) / 1024,
        r.same and "yes" or "no", r.wall / m.wall, r.cpu / m.cpu))
    end
  end
  add("")
  add("- modu's write_csv flushes the new file to disk (fsync) before renaming it over the target, so a crash "
    .. "never leaves a half-written file; the peers only write. The wall figure includes that flush.")
  add("- \"output = input\": the written file has the same bytes as the file read (the input is itself a "
    .. "plain CSV with LF line ends and 6-decimal floats), checked with cmp. fwrite differs only in writing "
    .. "whole floats without their \".0\" (69 for 69.0), which then read back as integers.")
  add("")
  return table.concat(out, "\n")
end

local function main()
  local n = math.tointeger(tonumber(os.getenv("N") or "1e6"))
  assert(n and n >= 100, "csv_write_bench: N must be a whole number >= 100")
  local rounds = math.tointeger(tonumber(os.getenv("CSV_WRITE_ROUNDS") or (n >= 1e7 and "2" or "3")))
  local only = os.getenv("CSV_BENCH_TOOLS")
  H.build_clock()
  local file = H.ensure_data(n)
  local size = tonumber(capture("stat -c %s " .. shq(file)))
  local load = capture("cut -d' ' -f1-3 /proc/loadavg")
  local outdir = capture("mktemp -d /tmp/modu-csv-write.XXXXXX")
  assert(outdir ~= "", "csv_write_bench: mktemp failed")
  local ready, results = H.setup_tools(TOOLS, only)
  -- rounds go across the tools, so a change in the machine's load hits all alike
  for round = 1, rounds do
    for _, t in ipairs(ready) do
      local r = results[t.name]
      local out = outdir .. "/" .. t.name .. ".csv"
      local rep = report(capture(t.cmd(file, out)))
      local lines = tonumber(capture("wc -l < " .. shq(out)))
      if not rep.wall or rep.rows ~= n or lines ~= n + 1 then
        r.err = r.err or ("failed: rows " .. tostring(rep.rows) .. ", lines " .. tostring(lines))
      elseif not r.wall or rep.wall < r.wall then
        for k, v in pairs(rep) do r[k] = v end
        r.bytes = tonumber(capture("stat -c %s " .. shq(out)))
        r.same = H.sh(("cmp -s %s %s"):format(shq(file), shq(out)))
      end
      os.remove(out)
      log("round %d %-8s %s", round, t.name, rep.wall and ("%.2f s wall, %.2f s cpu"):format(rep.wall, rep.cpu)
        or "failed")
    end
  end
  H.sh("rmdir " .. shq(outdir))
  local rows = {}
  for _, t in ipairs(TOOLS) do
    if results[t.name] then rows[#rows + 1] = results[t.name] end
  end
  local modu = results.modu
  assert(modu and modu.wall, "csv_write_bench: modu did not write the file: " .. tostring(modu and modu.err))
  local ctx = {
    n = n, rounds = rounds, file = file, size = size, load = load, modu = modu, outdir = outdir,
    date = os.date("!%Y-%m-%d %H:%M UTC"), versions = H.versions(rows), machine = H.machine(),
  }
  local part = section(ctx, rows)
  print(SECTION)
  print(part)
  if not only then
    H.write_results(SECTION, "Written by `bench/csv_write_bench.lua` (`make bench`); one part per N. Each writer "
      .. "writes the same loaded table to a new CSV file with a header.", n, part)
  end
  return { n = n, size = size, results = results }
end

return main()
