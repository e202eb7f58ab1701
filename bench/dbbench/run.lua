-- The db-benchmark group-by benchmark: modu against data.table, pandas, DuckDB,
-- the SQLite CLI and plain Lua on one generated CSV, answers cross-checked.
-- `make bench N=1e7` (bench/run.lua calls this file); see bench/dbbench/README.md.
-- Environment: N rows (default 1e6); DBBENCH_TOOLS=modu,duckdb,... runs only those
-- (and then leaves bench/RESULTS.md alone); DBBENCH_ONLY=q1,q8 only those questions;
-- DBBENCH_OUT the folder of the raw outputs (bench/data/dbbench_out_N<N>);
-- DBBENCH_TOOL_TIMEOUT seconds a tool may take (3600); DBBENCH_SQLITE_TIMEOUT and
-- DBBENCH_SQLITE_BUDGET seconds for one SQLite question (600) and all ten (2400).
local modu = require "modu"

local DIR = "bench/dbbench"
local DATA = "bench/data"
local NODE_DIR = "bench/.node"
local DUCKDB_NPM = "@duckdb/node-api@1.5.6-r.1"
local RESULTS = "bench/RESULTS.md"
local SECTION = "## Group-by (db-benchmark)"
-- bump when gen.lua changes what it writes: the cached CSV is named by it
local GEN_VERSION = 1
local TOOL_TIMEOUT = tonumber(os.getenv("DBBENCH_TOOL_TIMEOUT") or "3600")
-- the interpreter running us (the lowest index of arg), for the Lua drivers
local LUA = "lua5.4"
if arg then
  local i = -1
  while arg[i - 1] do i = i - 1 end
  LUA = arg[i] or LUA
end

local function shq(s) return "'" .. tostring(s):gsub("'", "'\\''") .. "'" end

local function sh(cmd)
  local ok = os.execute(cmd)
  return ok == true
end

local function read_all(path)
  local f = io.open(path)
  if not f then return nil end
  local s = f:read("a")
  f:close()
  return s
end

local function capture(cmd)
  local p = io.popen(cmd .. " 2>/dev/null")
  local s = p and p:read("a") or ""
  if p then p:close() end
  return (s:gsub("%s+$", ""))
end

local function exists(path)
  local f = io.open(path)
  if f then f:close() end
  return f ~= nil
end

local function log(fmt, ...) io.stderr:write(("dbbench: " .. fmt .. "\n"):format(...)) end

local function mtime(path) return tonumber(capture("stat -c %Y " .. shq(path))) or 0 end

-- "1e7" -> 10000000
local function parse_n(s)
  local n = math.tointeger(tonumber(s or "1e6"))
  if not n or n < 100 then error(("dbbench: N must be a whole number >= 100, got %s"):format(tostring(s)), 0) end
  return n
end

local function fmt_n(n)
  local e = math.floor(math.log(n, 10) + 0.5)
  if 10 ^ e == n then return ("1e%d"):format(e) end
  return tostring(n)
end

------------------------------------------------------------------------------
-- Setup: the clock module, the Debian and npm packages, the data file.

-- installs the Debian packages `pkgs` unless the shell command `check` succeeds
local function apt_install(check, pkgs)
  if sh("{ " .. check .. "; } >/dev/null 2>&1") then return true end
  local missing = {}
  for _, p in ipairs(pkgs) do
    if not sh("dpkg -s " .. p .. " >/dev/null 2>&1") then missing[#missing + 1] = p end
  end
  if #missing == 0 then return false end
  log("installing %s", table.concat(missing, " "))
  local sudo = capture("id -u") ~= "0" and "sudo " or ""
  return sh(sudo .. "env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null && " .. sudo ..
    "env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends " ..
    table.concat(missing, " ") .. " >/dev/null") and sh("{ " .. check .. "; } >/dev/null 2>&1")
end

local function build_clock()
  local so, src = DATA .. "/dbbench_clock.so", DIR .. "/clock.c"
  if exists(so) and mtime(so) >= mtime(src) then return end
  local inc = capture("pkg-config --cflags lua5.4")
  if inc == "" then inc = "-I/usr/include/lua5.4" end
  assert(sh(("mkdir -p %s && ${CC:-cc} -std=c11 -O2 -fPIC -shared -Wall -Wextra -Werror %s %s -o %s"):format(
    DATA, inc, shq(src), shq(so))), "dbbench: could not compile " .. src)
end

local function ensure_duckdb()
  if exists(NODE_DIR .. "/node_modules/@duckdb/node-api/package.json") then return true end
  log("installing %s under %s", DUCKDB_NPM, NODE_DIR)
  -- the .gitignore inside keeps the whole folder out of git
  sh("mkdir -p " .. NODE_DIR .. " && printf '*\\n' > " .. NODE_DIR .. "/.gitignore")
  return sh(("npm install --prefix %s --no-audit --no-fund --loglevel=error %s >&2"):format(
    NODE_DIR, DUCKDB_NPM))
end

local function lua_env()
  return ("LUA_PATH=%s LUA_CPATH=%s"):format(
    shq(DIR .. "/?.lua;" .. (os.getenv("LUA_PATH") or "lua/?.lua;lua/?/init.lua;;")),
    shq(DATA .. "/?.so;" .. (os.getenv("LUA_CPATH") or "build/?.so;;")))
end

local function ensure_data(n)
  local path = ("%s/dbbench_v%d_N%d.csv"):format(DATA, GEN_VERSION, n)
  -- write_csv replaces the file atomically, so a file that is there is whole
  local f = io.open(path)
  local head = f and f:read("l")
  if f then f:close() end
  if head == "id1,id2,id3,id4,id5,id6,v1,v2,v3" then return path, nil end
  log("generating %d rows into %s", n, path)
  local t = os.time()
  assert(sh(("%s %s %s %d %s"):format(lua_env(), LUA, shq(DIR .. "/gen.lua"), n, shq(path))),
    "dbbench: gen.lua failed")
  return path, os.time() - t
end

------------------------------------------------------------------------------
-- Running the tools, one at a time.

-- each tool: how to run it, and what to install when `check` fails
local TOOLS = {
  { name = "modu",
    cmd = function(csv, out)
      return ("%s %s %s %s %s"):format(lua_env(), LUA, DIR .. "/modu_q.lua", shq(csv), shq(out))
    end },
  { name = "data.table", check = "Rscript -e 'library(data.table)'",
    apt = { "r-base-core", "r-cran-data.table" },
    cmd = function(csv, out)
      return ("Rscript %s %s %s"):format(DIR .. "/datatable.R", shq(csv), shq(out))
    end },
  { name = "pandas", check = "/usr/bin/python3 -c 'import pandas'", apt = { "python3-pandas" },
    -- Debian's interpreter: pandas comes from python3-pandas, not from a pyenv shim
    cmd = function(csv, out)
      return ("/usr/bin/python3 %s %s %s"):format(DIR .. "/pandas_q.py", shq(csv), shq(out))
    end },
  { name = "duckdb", check = "command -v node && command -v npm", apt = { "nodejs", "npm" },
    setup = ensure_duckdb,
    cmd = function(csv, out)
      return ("NODE_PATH=%s node %s %s %s"):format(NODE_DIR .. "/node_modules", DIR .. "/duckdb_q.js",
        shq(csv), shq(out))
    end },
  { name = "sqlite", check = "command -v sqlite3", apt = { "sqlite3" },
    cmd = function(csv, out, work)
      return ("%s %s %s %s %s %s"):format(lua_env(), LUA, DIR .. "/sqlite_q.lua", shq(csv), shq(out), shq(work))
    end },
  { name = "lua",
    cmd = function(csv, out)
      return ("%s %s %s %s %s"):format(lua_env(), LUA, DIR .. "/lua_q.lua", shq(csv), shq(out))
    end },
}

local function parse_tsv(text, res)
  for line in text:gmatch("[^\n]+") do
    local f = {}
    for v in (line .. "\t"):gmatch("([^\t]*)\t") do f[#f + 1] = v end
    local kind, who = f[1], f[2]
    local v = res.variants[who]
    if not v and kind ~= "info" and kind ~= "mem" then
      v = { times = {}, cpu = {}, digests = {}, timeouts = {} }
      res.variants[who] = v
    end
    if kind == "info" then res.info[f[3]] = f[4]
    elseif kind == "threads" then v.threads = tonumber(f[3])
    elseif kind == "load" then v.load, v.rows = tonumber(f[3]), tonumber(f[4])
    elseif kind == "time" then
      v.times[f[3]] = { tonumber(f[4]), tonumber(f[5]) }
      v.cpu[f[3]] = { tonumber(f[6]), tonumber(f[7]) }
    elseif kind == "timeout" then v.timeouts[f[3]] = tonumber(f[4]) or f[4]
    elseif kind == "digest" then
      v.digests[f[3]] = v.digests[f[3]] or {}
      v.digests[f[3]][f[4]] = tonumber(f[5])
    elseif kind == "mem" then res.mem = tonumber(f[3])
    end
  end
end

local function run_tool(tool, csv, outdir)
  local res = { name = tool.name, info = {}, variants = {} }
  if tool.apt and not apt_install(tool.check, tool.apt) then
    res.unavailable = "could not install " .. table.concat(tool.apt, " ")
    return res
  end
  if tool.setup and not tool.setup() then
    res.unavailable = "setup failed"
    return res
  end
  local out, err, mem = outdir .. "/" .. tool.name .. ".tsv", outdir .. "/" .. tool.name .. ".err",
      outdir .. "/" .. tool.name .. ".rss"
  local work = outdir .. "/" .. tool.name .. ".work"
  sh("mkdir -p " .. shq(work))
  os.remove(out)
  log("running %s", tool.name)
  local cmd = ("/usr/bin/time -f %%M -o %s timeout -k 10 %d sh -c %s 2>%s"):format(
    shq(mem), TOOL_TIMEOUT, shq(tool.cmd(csv, out, work)), shq(err))
  local ok = sh(cmd)
  parse_tsv(read_all(out) or "", res)
  res.rss_kib = tonumber((read_all(mem) or ""):match("(%d+)%s*$"))
  if not ok then
    res.failed = ("exited with an error (see %s): %s"):format(err, ((read_all(err) or ""):sub(-600)))
  end
  sh("rm -rf " .. shq(work))
  return res
end

------------------------------------------------------------------------------
-- Cross-check: every variant's digest of every question against every other's.

local QS = { "q1", "q2", "q3", "q4", "q5", "q6", "q7", "q8", "q9", "q10" }

local function same(field, a, b)
  if a == nil or b == nil then return false end
  if field == "ngroups" or field:match("%.n$") then return a == b end
  local scale = math.max(math.abs(a), math.abs(b))
  return math.abs(a - b) <= 1e-9 * scale + 1e-12
end

local function cross_check(order, variants)
  local problems, checked = {}, {}
  for _, q in ipairs(QS) do
    local have = {}
    for _, name in ipairs(order) do
      local d = variants[name] and variants[name].digests[q]
      if d then have[#have + 1] = { name, d } end
      if variants[name] and variants[name].times[q] and not d then
        problems[#problems + 1] = ("%s: %s timed it but gave no digest"):format(q, name)
      end
    end
    checked[q] = #have
    for i = 1, #have do
      for j = i + 1, #have do
        local an, ad, bn, bd = have[i][1], have[i][2], have[j][1], have[j][2]
        local fields = {}
        for k in pairs(ad) do fields[#fields + 1] = k end
        for k in pairs(bd) do if ad[k] == nil then fields[#fields + 1] = k end end
        table.sort(fields)
        for _, k in ipairs(fields) do
          if not same(k, ad[k], bd[k]) then
            problems[#problems + 1] = ("%s: %s and %s differ in %s (%s vs %s)"):format(
              q, an, bn, k, tostring(ad[k]), tostring(bd[k]))
          end
        end
      end
    end
  end
  return problems, checked
end

------------------------------------------------------------------------------
-- Report.

local LABEL = { modu = "modu", ["data.table"] = "data.table", duckdb = "DuckDB", pandas = "pandas",
                sqlite = "SQLite", lua = "Lua tables" }

local function label(v)
  local tool, threads = v:match("^(.-)/(%d+)$")
  return ("%s (%s thr)"):format(LABEL[tool] or tool, threads)
end

local function secs(x)
  if x == nil then return "—" end
  if x >= 100 then return ("%.0f"):format(x) end
  if x >= 10 then return ("%.1f"):format(x) end
  if x >= 1 then return ("%.2f"):format(x) end
  return ("%.3f"):format(x)
end

local function ratio(a, b)
  if not a or not b or b == 0 then return "—" end
  local r = a / b
  if r >= 10 then return ("%.0f×"):format(r) end
  if r >= 1 then return ("%.2f×"):format(r) end
  if r >= 0.01 then return ("%.3f×"):format(r) end
  return ("%.2g×"):format(r)
end

-- the reported (second) run's wall seconds, or with `field` = "cpu" its CPU seconds
local function q_time(v, q, field)
  local t = v and v[field or "times"][q]
  return t and t[2]
end

local function total(v, field)
  if not v then return nil end
  local s = 0
  for _, q in ipairs(QS) do
    local t = q_time(v, q, field)
    if not t then return nil end
    s = s + t
  end
  return s
end

local function cell(v, q)
  if not v then return "—" end
  if v.timeouts[q] then return "timeout" end
  return secs(q_time(v, q))
end

local function machine()
  local cpu = (read_all("/proc/cpuinfo") or ""):match("model name%s*:%s*([^\n]+)") or "?"
  local mem = tonumber((read_all("/proc/meminfo") or ""):match("MemTotal:%s*(%d+)")) or 0
  return ("%s cores, %s, %.0f GiB RAM, %s"):format(capture("nproc"), cpu, mem / 2^20, capture("uname -sr"))
end

local function report(ctx)
  local v, tools = ctx.variants, ctx.tools
  local cols = ctx.order
  local L = {}
  local function add(s) L[#L + 1] = s end
  add(("### N = %s (%d rows)"):format(fmt_n(ctx.n), ctx.n))
  add("")
  add(("- Command: `make bench N=%s`; run %s; wall time %d s (data %s)."):format(
    fmt_n(ctx.n), ctx.date, ctx.wall, ctx.gen_secs and ("generated in " .. ctx.gen_secs .. " s") or "cached"))
  add("- Machine: " .. machine() .. ("; load average %s at the start, %s at the end (other work shares "
    .. "the machine: figures below ~0.05 s are mostly noise)."):format(ctx.load_start, ctx.load_end))
  local vers = { modu._VERSION, ctx.lua_version }
  for _, t in ipairs({ "data.table", "pandas", "duckdb", "sqlite" }) do
    if tools[t] and tools[t].info.version then vers[#vers + 1] = tools[t].info.version end
  end
  add("- Versions: " .. table.concat(vers, "; ") .. ".")
  add(("- Data: `%s`, %.0f MiB; K = 100; seed fixed in `bench/dbbench/gen.lua`."):format(
    ctx.csv, ctx.csv_bytes / 2^20))
  add("- Seconds per question: query only (the table is loaded first), second of two runs, "
    .. "as in the reference numbers of issue 3. Threads per figure in the column heads.")
  add("")
  add("| question | " .. table.concat((function()
    local t = {}
    for i, c in ipairs(cols) do t[i] = label(c) end
    return t
  end)(), " | ") .. " |")
  add("|---" .. ("|---:"):rep(#cols) .. "|")
  for _, q in ipairs(QS) do
    local t = {}
    for i, c in ipairs(cols) do t[i] = cell(v[c], q) end
    add(("| %s | %s |"):format(q, table.concat(t, " | ")))
  end
  local tt, lt, mt = {}, {}, {}
  for i, c in ipairs(cols) do
    tt[i] = secs(total(v[c]))
    lt[i] = secs(v[c].load)
    local tool = tools[c:match("^(.-)/")]
    mt[i] = tool and tool.mem and ("%.0f"):format(tool.mem / 1024) or "—"
  end
  add("| **q1–q10** | " .. table.concat(tt, " | ") .. " |")
  add("| load CSV | " .. table.concat(lt, " | ") .. " |")
  add("| peak RSS, MiB | " .. table.concat(mt, " | ") .. " |")
  add("")
  add("modu's time ÷ the peer's (below 1: modu is faster):")
  add("")
  local peers = {}
  for _, c in ipairs(cols) do if c ~= "modu/1" then peers[#peers + 1] = c end end
  add("| question | " .. table.concat((function()
    local t = {}
    for i, c in ipairs(peers) do t[i] = "÷ " .. label(c) end
    return t
  end)(), " | ") .. " |")
  add("|---" .. ("|---:"):rep(#peers) .. "|")
  local m = v["modu/1"]
  for _, q in ipairs(QS) do
    local t = {}
    for i, c in ipairs(peers) do t[i] = ratio(q_time(m, q), q_time(v[c], q)) end
    add(("| %s | %s |"):format(q, table.concat(t, " | ")))
  end
  local t, r = {}, {}
  for i, c in ipairs(peers) do
    t[i] = ratio(total(m), total(v[c]))
    local a, b = tools.modu and tools.modu.mem, tools[c:match("^(.-)/")] and tools[c:match("^(.-)/")].mem
    r[i] = ratio(a, b)
  end
  add("| **q1–q10** | " .. table.concat(t, " | ") .. " |")
  add("| peak RSS | " .. table.concat(r, " | ") .. " |")
  add("")
  add("CPU seconds of the same runs (user + sys of the whole process, every thread): less disturbed by other "
    .. "work on the machine than wall time; a run on 2 threads spends more CPU than wall time.")
  add("")
  add("| question | " .. table.concat((function()
    local h = {}
    for i, c in ipairs(cols) do h[i] = label(c) end
    return h
  end)(), " | ") .. " |")
  add("|---" .. ("|---:"):rep(#cols) .. "|")
  for _, q in ipairs(QS) do
    local c = {}
    for i, name in ipairs(cols) do c[i] = v[name].timeouts[q] and "timeout" or secs(q_time(v[name], q, "cpu")) end
    add(("| %s | %s |"):format(q, table.concat(c, " | ")))
  end
  local ct, cr = {}, {}
  for i, name in ipairs(cols) do
    ct[i] = secs(total(v[name], "cpu"))
    cr[i] = name == "modu/1" and "1" or ratio(total(m, "cpu"), total(v[name], "cpu"))
  end
  add("| **q1–q10** | " .. table.concat(ct, " | ") .. " |")
  add("| modu ÷ peer | " .. table.concat(cr, " | ") .. " |")
  add("")
  add("Targets of issue 3, in this run (wall time):")
  add("")
  for _, line in ipairs(ctx.targets) do add("- " .. line) end
  add("")
  if #ctx.problems == 0 then
    local n = 0
    for _, q in ipairs(QS) do n = n + (ctx.checked[q] or 0) end
    add(("Cross-check: passed. Each question's answer digest (groups; per value column the count of "
      .. "non-missing values, their sum and their key-weighted sum) agreed across every run that answered it "
      .. "(%d answers; counts exact, sums to 1e-9 relative)."):format(n))
  else
    add("Cross-check: **FAILED**")
    add("")
    for _, p in ipairs(ctx.problems) do add("- " .. p) end
  end
  for _, name in ipairs({ "modu", "lua", "data.table", "pandas", "duckdb", "sqlite" }) do
    local tool = tools[name]
    if tool and (tool.unavailable or tool.failed) then
      add("")
      add(("%s did not run: %s"):format(name, tool.unavailable or tool.failed))
    end
  end
  add("")
  add("Peak RSS is the process's VmHWM over loading and the timed runs (each tool resets it after computing "
    .. "a digest, so digests do not count); SQLite's is the largest sqlite3 process (restore, runs and digest).")
  return table.concat(L, "\n") .. "\n"
end

local function targets(v, tools, order)
  local out = {}
  local m = v["modu/1"]
  -- each peer at its most threads: the first of its variants in the run's order
  local function most(tool)
    for _, name in ipairs(order) do if name:match("^(.-)/") == tool then return v[name], name end end
  end
  local function add(ok, s) out[#out + 1] = (ok and "met: " or "**missed**: ") .. s end
  if not m then return { "modu did not run" } end
  local dt, dt_name = most("data.table")
  if dt then
    local missed = {}
    for _, q in ipairs(QS) do
      local a, b = q_time(m, q), q_time(dt, q)
      if a and b and a > b then missed[#missed + 1] = ("%s %s"):format(q, ratio(a, b)) end
    end
    add(#missed == 0, "modu ≤ 1.0× " .. label(dt_name) .. " on each question" ..
      (#missed > 0 and (" — slower on " .. table.concat(missed, ", ")) or ""))
  end
  local dk, dk_name = most("duckdb")
  if dk and total(m) and total(dk) then
    add(total(m) <= total(dk), ("modu's q1–q10 total ≤ %s's: %s vs %s s, %s"):format(
      label(dk_name), secs(total(m)), secs(total(dk)), ratio(total(m), total(dk))))
  end
  local sq = most("sqlite")
  if sq then
    local missed = {}
    for _, q in ipairs(QS) do
      local a, b = q_time(m, q), q_time(sq, q)
      if a and b and a * 10 > b then missed[#missed + 1] = ("%s %s"):format(q, ratio(a, b)) end
    end
    add(#missed == 0, "modu ≥ 10× faster than SQLite on every question answered" ..
      (#missed > 0 and (" — not on " .. table.concat(missed, ", ")) or ""))
  end
  local lu = most("lua")
  if lu and q_time(m, "q1") and q_time(lu, "q1") then
    local a, b = q_time(m, "q1"), q_time(lu, "q1")
    add(a * 20 <= b, ("modu ≥ 20× faster than plain Lua tables on q1: %s"):format(
      b >= a and ("%.1f× faster"):format(b / a) or ("%.1f× slower"):format(a / b)))
  end
  if tools.modu and tools.modu.mem and tools["data.table"] and tools["data.table"].mem then
    local a, b = tools.modu.mem, tools["data.table"].mem
    add(a <= b, ("peak RSS ≤ data.table's: %.0f vs %.0f MiB"):format(a / 1024, b / 1024))
  end
  return out
end

-- replaces this N's part of the Group-by section of RESULTS.md, keeping every
-- other section (other benchmarks write their own) and the other N's part
local function write_results(n, text)
  local old = read_all(RESULTS) or ("# modu benchmarks\n\nEach section is written by its benchmark under "
    .. "`bench/` (`make bench`); see the benchmark's own README for what it measures.\n")
  local head = ("### N = %s "):format(fmt_n(n))
  local s, e = old:find(SECTION, 1, true)
  if not s then
    old = old:gsub("\n*$", "\n\n") .. SECTION .. "\n\n" ..
      "Written by `bench/dbbench/run.lua` (see `bench/dbbench/README.md`); one part per N.\n\n"
    s, e = old:find(SECTION, 1, true)
  end
  local sec_end = old:find("\n## ", e, true) or (#old + 1)
  local section = old:sub(s, sec_end - 1)
  local parts_at = section:find("\n### ", 1, true)
  local intro = parts_at and section:sub(1, parts_at) or (section:gsub("\n*$", "\n\n"))
  local parts = {}
  if parts_at then
    local rest = section:sub(parts_at + 1)
    for part in (rest .. "\n### "):gmatch("(### .-\n)%f[#]") do
      if part:sub(1, #head) ~= head then parts[#parts + 1] = part end
    end
  end
  parts[#parts + 1] = text
  -- the largest N first: the reference run leads
  table.sort(parts, function(a, b)
    local na = tonumber(a:match("%((%d+) rows%)")) or 0
    local nb = tonumber(b:match("%((%d+) rows%)")) or 0
    return na > nb
  end)
  for i, p in ipairs(parts) do parts[i] = p:gsub("\n*$", "\n") end
  local new = old:sub(1, s - 1) .. intro:gsub("\n*$", "\n\n") .. table.concat(parts, "\n")
  if sec_end <= #old then new = new .. "\n" .. old:sub(sec_end + 1) end
  local f = assert(io.open(RESULTS .. ".tmp", "w"))
  f:write(new)
  f:close()
  assert(os.rename(RESULTS .. ".tmp", RESULTS))
end

------------------------------------------------------------------------------

local function main()
  local started = os.time()
  local load_start = (read_all("/proc/loadavg") or "?"):match("^(%S+)")
  local n = parse_n(os.getenv("N"))
  local only_tools = os.getenv("DBBENCH_TOOLS")
  -- /usr/bin/time measures each tool's peak RSS
  assert(apt_install("test -x /usr/bin/time", { "time" }), "dbbench: needs /usr/bin/time (Debian: time)")
  build_clock()
  local csv, gen_secs = ensure_data(n)
  -- DBBENCH_OUT: where the raw outputs go (bench/data is shared by every checkout)
  local outdir = os.getenv("DBBENCH_OUT") or ("%s/dbbench_out_N%d"):format(DATA, n)
  sh("mkdir -p " .. shq(outdir))
  local tools, variants, order = {}, {}, {}
  for _, tool in ipairs(TOOLS) do
    if not only_tools or ("," .. only_tools .. ","):find("," .. tool.name .. ",", 1, true) then
      local res = run_tool(tool, csv, outdir)
      tools[tool.name] = res
      if res.unavailable then log("%s skipped: %s", tool.name, res.unavailable) end
      if res.failed then log("%s failed: %s", tool.name, res.failed) end
      -- variants are named by the threads they really used (data.table/2 on two cores)
      local names = {}
      for name, vv in pairs(res.variants) do
        if next(vv.times) or next(vv.timeouts) then names[#names + 1] = name end
      end
      table.sort(names, function(a, b) return tonumber(a:match("%d+$")) > tonumber(b:match("%d+$")) end)
      for _, name in ipairs(names) do
        variants[name] = res.variants[name]
        order[#order + 1] = name
      end
    end
  end
  local problems, checked = cross_check(order, variants)
  for _, t in pairs(tools) do
    if t.failed then problems[#problems + 1] = t.name .. " " .. t.failed end
  end
  local ctx = {
    n = n, csv = csv, csv_bytes = tonumber(capture("stat -c %s " .. shq(csv))) or 0, gen_secs = gen_secs,
    date = os.date("!%Y-%m-%d %H:%M UTC"), wall = os.time() - started, variants = variants, tools = tools,
    problems = problems, checked = checked, load_start = load_start,
    load_end = (read_all("/proc/loadavg") or "?"):match("^(%S+)"),
    lua_version = capture(LUA .. " -v"):match("^(Lua %S+)") or _VERSION,
  }
  ctx.order = order
  ctx.targets = targets(variants, tools, order)
  local text = report(ctx)
  io.write(text)
  if not only_tools and not os.getenv("DBBENCH_ONLY") then
    write_results(n, text)
    log("wrote %s", RESULTS)
  end
  if #problems > 0 then
    error(("dbbench: the benchmark failed:\n  %s"):format(table.concat(problems, "\n  ")), 0)
  end
  return { n = n, variants = variants, problems = problems }
end

return main()
