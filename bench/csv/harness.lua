-- What the CSV benchmarks (bench/csv_bench.lua, bench/csv_write_bench.lua)
-- share on the parent side: shell helpers, installing the peers, the data
-- file, the report lines the children print, and RESULTS.md sections.
local H = {}

H.DATA = "bench/data"
H.NODE_DIR = "bench/.node"
H.DUCKDB_NPM = "@duckdb/node-api@1.5.6-r.1"
H.RESULTS = "bench/RESULTS.md"

H.LUA = "lua5.4"
if arg then -- the interpreter running us, for the Lua children
  local i = -1
  while arg[i - 1] do i = i - 1 end
  H.LUA = arg[i] or H.LUA
end

function H.shq(s) return "'" .. tostring(s):gsub("'", "'\\''") .. "'" end
function H.sh(cmd) return os.execute(cmd) == true end

function H.logger(name)
  return function(fmt, ...) io.stderr:write((name .. ": " .. fmt .. "\n"):format(...)) end
end
local log = H.logger("bench")

function H.capture(cmd)
  local p = io.popen(cmd .. " 2>/dev/null")
  local s = p and p:read("a") or ""
  if p then p:close() end
  return (s:gsub("%s+$", ""))
end

function H.exists(path)
  local f = io.open(path)
  if f then f:close() end
  return f ~= nil
end

function H.lua_env()
  return ("LUA_PATH=%s LUA_CPATH=%s"):format(H.shq(os.getenv("LUA_PATH") or "lua/?.lua;lua/?/init.lua;;"),
    H.shq(H.DATA .. "/?.so;" .. (os.getenv("LUA_CPATH") or "build/?.so;;")))
end

-- the wall clock the Lua children use: bench/dbbench/clock.c, built as bench/dbbench does
function H.build_clock()
  local so, src = H.DATA .. "/dbbench_clock.so", "bench/dbbench/clock.c"
  local function mtime(path) return tonumber(H.capture("stat -c %Y " .. H.shq(path))) end
  if H.exists(so) and mtime(so) >= mtime(src) then return end
  local inc = H.capture("pkg-config --cflags lua5.4")
  if inc == "" then inc = "-I/usr/include/lua5.4" end
  local cc = "${CC:-cc} -std=c11 -O2 -fPIC -shared -Wall -Wextra -Werror"
  assert(H.sh(("mkdir -p %s && %s %s %s -o %s.tmp && mv %s.tmp %s"):format(H.DATA, cc, inc, H.shq(src), H.shq(so),
    H.shq(so), H.shq(so))), "bench: could not compile " .. src)
end

-- installs Debian packages unless `check` already succeeds; false when still missing
function H.apt_install(check, pkgs)
  if H.sh("{ " .. check .. "; } >/dev/null 2>&1") then return true end
  log("installing %s", table.concat(pkgs, " "))
  local sudo = H.capture("id -u") ~= "0" and "sudo " or ""
  H.sh(sudo .. "env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null && " .. sudo ..
    "env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends " ..
    table.concat(pkgs, " ") .. " >/dev/null")
  return H.sh("{ " .. check .. "; } >/dev/null 2>&1")
end

function H.ensure_duckdb()
  if not H.apt_install("command -v node && command -v npm", { "nodejs", "npm" }) then return false end
  if H.exists(H.NODE_DIR .. "/node_modules/@duckdb/node-api/package.json") then return true end
  log("installing %s under %s", H.DUCKDB_NPM, H.NODE_DIR)
  -- the .gitignore inside keeps the whole folder out of git
  H.sh("mkdir -p " .. H.NODE_DIR .. " && printf '*\\n' > " .. H.NODE_DIR .. "/.gitignore")
  return H.sh(("npm install --prefix %s --no-audit --no-fund --loglevel=error %s >&2"):format(H.NODE_DIR,
    H.DUCKDB_NPM))
end

-- the db-benchmark file, shared with bench/dbbench (same name, same generator)
function H.ensure_data(n)
  local path = ("%s/dbbench_v1_N%d.csv"):format(H.DATA, n)
  local f = io.open(path)
  local head = f and f:read("l")
  if f then f:close() end
  if head == "id1,id2,id3,id4,id5,id6,v1,v2,v3" then return path end
  log("generating %d rows into %s", n, path)
  assert(H.sh(("mkdir -p %s && %s %s bench/dbbench/gen.lua %d %s"):format(H.DATA, H.lua_env(), H.LUA, n,
    H.shq(path))), "bench: bench/dbbench/gen.lua failed")
  return path
end

-- The tools to run (all, or those named in `only`, "a,b"), each installed
-- first: the ready ones in order, and a result record per tool by name (err
-- set for one that could not be installed)
function H.setup_tools(tools, only)
  local ready, results = {}, {}
  for _, t in ipairs(tools) do
    local wanted = not only or (("," .. only .. ","):find("," .. t.name .. ",", 1, true) ~= nil)
    if wanted then
      local ok = (not t.check or H.apt_install(t.check, t.apt)) and (not t.setup or t.setup())
      results[t.name] = { name = t.name, label = t.label, threads = t.threads }
      if ok then ready[#ready + 1] = t else results[t.name].err = "not installed" end
    end
  end
  return ready, results
end

-- the table the SQLite CLI imports the file into: typed, as the others read it
H.SQLITE_SCHEMA = "CREATE TABLE x(id1 TEXT, id2 TEXT, id3 TEXT, id4 INTEGER, id5 INTEGER, id6 INTEGER, " ..
  "v1 INTEGER, v2 INTEGER, v3 REAL)"

-- a child's report: one line of key=value pairs
function H.parse_report(text)
  local t = {}
  for k, v in text:gmatch("([%w_]+)=(%S+)") do t[k] = tonumber(v) or v end
  if t.cpu_u then t.cpu = t.cpu_u + t.cpu_s end
  return t
end

function H.fmt_n(n)
  local e = math.floor(math.log(n, 10) + 0.5)
  if 10 ^ e == n then return ("1e%d"):format(e) end
  return tostring(n)
end

function H.fmt_s(x)
  if x >= 100 then return ("%.0f"):format(x) end
  if x >= 10 then return ("%.1f"):format(x) end
  return ("%.2f"):format(x)
end

function H.machine()
  return ("%s cores, %s, Linux %s"):format(H.capture("nproc"), H.capture("grep -m1 'model name' /proc/cpuinfo | "
    .. "cut -d: -f2 | sed 's/^ *//'"), H.capture("uname -r"))
end

-- "a; b; c" of the distinct version strings the tools reported, modu's first
function H.versions(rows)
  local versions = { "modu 0.1.0", _VERSION }
  for _, r in ipairs(rows) do
    if type(r.version) == "string" then versions[#versions + 1] = (r.version:gsub("_", " ")) end
  end
  local sqlite = H.capture("sqlite3 --version | cut -d' ' -f1")
  if sqlite ~= "" then versions[#versions + 1] = "SQLite " .. sqlite end
  local seen, vlist = {}, {}
  for _, v in ipairs(versions) do
    if not seen[v] then seen[v], vlist[#vlist + 1] = true, v end
  end
  return table.concat(vlist, "; ")
end

-- replaces the part headed `### N = <n> ` of `section` in RESULTS.md (the
-- section is created with `intro` when missing), keeping everything else
function H.write_results(section, intro, n, part)
  local f = io.open(H.RESULTS)
  local text = f and f:read("a") or "# modu benchmarks\n\n"
  if f then f:close() end
  local head = ("### N = %s "):format(H.fmt_n(n))
  local s, e = text:find(section .. "\n", 1, true)
  if not s then
    text = text:gsub("\n*$", "\n\n") .. section .. "\n\n" .. intro .. "\n\n" .. part
  else
    local next_section = text:find("\n## ", e, true) or #text + 1
    local body = text:sub(e + 1, next_section - 1)
    local ps = body:find(head, 1, true)
    if ps then
      local pe = body:find("\n### ", ps + 1, true) or #body + 1
      body = body:sub(1, ps - 1) .. part:gsub("\n*$", "\n\n") .. body:sub(pe + 1)
    else
      body = body:gsub("\n*$", "\n\n") .. part
    end
    text = text:sub(1, e) .. body .. text:sub(next_section)
  end
  f = assert(io.open(H.RESULTS .. ".tmp", "w"))
  f:write((text:gsub("\n*$", "\n")))
  f:close()
  assert(os.rename(H.RESULTS .. ".tmp", H.RESULTS))
end

return H
