-- SQLite: db:write of N rows against the SQLite CLI's .import of the same
-- rows as CSV, and db:query of the N rows into a frame against fetching them
-- into Lua tables with LuaSQL (Debian lua-sql-sqlite3), in one run on the
-- same data. Writes the "SQLite" section of bench/RESULTS.md. Run: make bench.
local modu = require "modu"

local n = math.tointeger(tonumber(os.getenv("N") or "1e6"))
local REPEAT = 3

local function sh_quote(s) return "'" .. s:gsub("'", "'\\''") .. "'" end

local function wall()
  local p = assert(io.popen("date +%s.%N"))
  local t = p:read("n")
  p:close()
  return t
end

local function remove_db(path)
  os.remove(path)
  os.remove(path .. "-journal")
end

-- ---- data: an int key, a float, a Chinese city name and an int ----
local CITIES = { "北京", "深圳", "上海", "杭州", "合肥", "广州", "南京", "成都", "武汉", "西安" }
local df = modu.frame({
  { "id", modu.range(1, n) },
  { "x", modu.random.uniform(n, 0, 1000, 11) },
  { "city", modu.random.choice(CITIES, n, 12) },
  { "firms", modu.random.integers(n, 0, 100000, 13) },
})
local CREATE = "CREATE TABLE t (id INTEGER, x REAL, city TEXT, firms INTEGER)"

local base = os.tmpname()
local csv, cli_db, modu_db = base .. ".csv", base .. "-cli.db", base .. "-modu.db"
df:write_csv(csv)
local csv_mib = (function()
  local f = assert(io.open(csv, "rb"))
  local size = f:seek("end")
  f:close()
  return size / 2 ^ 20
end)()

-- ---- write: modu vs the CLI's .import, each into a fresh file, best of REPEAT ----
-- The CLI gets the table declared with the same types first, so both store
-- the same values; .import runs inside one transaction as db:write does.
local function cli_import()
  remove_db(cli_db)
  local cmd = ("bash -c %s 2>&1"):format(sh_quote(("TIMEFORMAT='%%R %%U %%S'; time sqlite3 %s %s %s >/dev/null")
    :format(sh_quote(cli_db), sh_quote(CREATE), sh_quote(".import --csv --skip 1 " .. csv .. " t"))))
  local p = assert(io.popen(cmd))
  local out = p:read("a")
  p:close()
  local real, user, sys = out:match("([%d.]+) ([%d.]+) ([%d.]+)%s*$")
  assert(real, "sqlite3 .import failed: " .. out)
  return tonumber(real), tonumber(user) + tonumber(sys)
end

local function modu_write()
  remove_db(modu_db)
  local w0, c0 = wall(), os.clock()
  local db = modu.open(modu_db)
  db:write("t", df)
  db:close()
  return wall() - w0, os.clock() - c0
end

local best = { cli = { math.huge, math.huge }, write = { math.huge, math.huge } }
for _ = 1, REPEAT do
  for name, f in pairs({ cli = cli_import, write = modu_write }) do
    local w, c = f()
    best[name][1] = math.min(best[name][1], w)
    best[name][2] = math.min(best[name][2], c)
  end
end

-- the two tables hold the same rows
do
  local a, b = modu.open(cli_db), modu.open(modu_db)
  local q = "SELECT count(*) AS n, sum(id) AS s, sum(firms) AS f, count(DISTINCT city) AS c FROM t"
  assert(a:query(q):equals(b:query(q)), "the CLI and modu tables differ")
  a:close()
  b:close()
end

-- ---- query: modu vs LuaSQL, CPU seconds in this process, best of REPEAT ----
-- The three take turns, so a busy machine slows each of them alike.
local db = modu.open(modu_db)
local function modu_query()
  local frame = db:query("SELECT * FROM t")
  assert(#frame == n)
  return frame
end

local ok_luasql, luasql = pcall(require, "luasql.sqlite3")
local env, con
if ok_luasql then
  env = luasql.sqlite3()
  con = assert(env:connect(modu_db))
end
-- rows: one table per row, as cursor:fetch hands them out
local function luasql_rows()
  local cur = assert(con:execute("SELECT * FROM t"))
  local rows, k = {}, 0
  local row = cur:fetch({}, "a")
  while row do
    k = k + 1
    rows[k] = row
    row = cur:fetch({}, "a")
  end
  cur:close()
  assert(k == n and math.type(rows[1].id) == "integer")
  return rows
end
-- columns: one reused row table, its values appended to four arrays
local function luasql_columns()
  local cur = assert(con:execute("SELECT * FROM t"))
  local id, x, city, firms, k = {}, {}, {}, {}, 0
  local row = {}
  while cur:fetch(row, "n") do
    k = k + 1
    id[k], x[k], city[k], firms[k] = row[1], row[2], row[3], row[4]
  end
  cur:close()
  assert(k == n)
  return { id, x, city, firms }
end

local peers = { { "modu", modu_query } }
if ok_luasql then
  peers[2] = { "rows", luasql_rows }
  peers[3] = { "cols", luasql_columns }
end
local qbest = {}
for _ = 1, REPEAT do
  for _, peer in ipairs(peers) do
    collectgarbage("collect")
    local c0 = os.clock()
    local kept = peer[2]() -- held until timed, as a user holds the result
    local t = os.clock() - c0
    assert(kept)
    qbest[peer[1]] = math.min(qbest[peer[1]] or math.huge, t)
  end
end
assert(modu_query():equals(df), "db:query did not return the frame written")
db:close()
if ok_luasql then
  con:close()
  env:close()
end
local q_modu, q_rows, q_cols = qbest.modu, qbest.rows, qbest.cols

remove_db(cli_db)
remove_db(modu_db)
os.remove(csv)
os.remove(base)

-- ---- report ----
local lines = {}
local function out(s) lines[#lines + 1] = s; print(s) end
local function cores()
  local p = io.popen("nproc 2>/dev/null")
  local c = p and p:read("n")
  if p then p:close() end
  return c or "?"
end
local function loadavg()
  local f = io.open("/proc/loadavg")
  local l = f and f:read("n")
  if f then f:close() end
  return l and ("%.1f"):format(l) or "?"
end
local write_ratio = best.write[1] / best.cli[1]
out("## SQLite")
out("")
out("Written by `bench/sqlite_bench.lua` (`make bench`).")
out("")
out(("- Command: `make bench N=%d` (alone: `N=%d lua5.4 bench/sqlite_bench.lua` with the Makefile's LUA_PATH and "
  .. "LUA_CPATH); run %s UTC; %s cores, load average %s at the end; %s, Lua %s, SQLite %s (library and CLI)."):format(
  n, n, os.date("!%Y-%m-%d %H:%M"), cores(), loadavg(), modu._VERSION, _VERSION:match("[%d.]+"), modu.sqlite_version))
out(("- Data: %d rows (id int, x float, city str of %d Chinese names, firms int); as CSV %.1f MiB."):format(n,
  #CITIES, csv_mib))
out(("- Best of %d. Writes go to a fresh file database with SQLite's defaults (rollback journal, synchronous "
  .. "= FULL); the CLI first declares the same typed table, then `.import --csv`. Queries read that file; "
  .. "CPU seconds in this process (os.clock)."):format(REPEAT))
out("")
out("| task | modu | peer | peer time | ratio | target |")
out("|---|---:|---|---:|---:|---|")
out(("| write %d rows (wall s) | %.3f | sqlite3 CLI `.import` | %.3f | modu ÷ CLI = %.2f× | under 2× (%s) |"):format(n,
  best.write[1], best.cli[1], write_ratio, write_ratio < 2 and "met" or "missed"))
out(("| write, CPU s | %.3f | sqlite3 CLI `.import` | %.3f | modu ÷ CLI = %.2f× | |"):format(best.write[2],
  best.cli[2], best.write[2] / best.cli[2]))
if q_rows then
  local r = q_rows / q_modu
  out(("| query %d rows to a frame (CPU s) | %.3f | LuaSQL, a table per row | %.3f | LuaSQL ÷ modu = %.1f× | "
    .. "at least 3× (%s) |"):format(n, q_modu, q_rows, r, r >= 3 and "met" or "missed"))
  out(("| | | LuaSQL, into four column arrays | %.3f | LuaSQL ÷ modu = %.1f× | |"):format(q_cols, q_cols / q_modu))
else
  out(("| query %d rows to a frame (CPU s) | %.3f | LuaSQL | not installed (%s) | — | at least 3× |"):format(n, q_modu,
    tostring(luasql):gsub("\n.*", "")))
end
out("")
out("db:query steps the statement in C and appends each value to a typed buffer (no Lua value per cell), "
  .. "reading each cell through one sqlite3_value; the connection is opened without SQLite's per-call mutex "
  .. "(a Lua state runs on one thread). Most of what remains is SQLite's own stepping. db:write binds typed "
  .. "values to one prepared INSERT in one transaction, where the CLI parses CSV text.")
out("")

local section = table.concat(lines, "\n") .. "\n"
dofile("bench/results.lua").replace_section("SQLite", section)

return { write_s = best.write[1], import_s = best.cli[1], write_ratio = write_ratio, query_s = q_modu,
  luasql_rows_s = q_rows, luasql_cols_s = q_cols }
