-- Crash safety of db:write: a child process writes a 2,000,000-row frame to a
-- file database and is killed with SIGKILL in the middle; the parent reopens
-- the file, which must pass PRAGMA integrity_check and hold the table either
-- complete or not at all (for a replace: the old table, complete).
local modu = require "modu"
local support = require "spec.support"

local N = 2000000
local OLD = 1000

local shell_quote = support.shell_quote

local function exists(path)
  local f = io.open(path, "rb")
  if f then f:close() end
  return f ~= nil
end

-- the child: builds the frame, says "ready <pid>", writes, says "done"
local CHILD = [[
local modu = require "modu"
local path, how, n = arg[1], arg[2], math.tointeger(tonumber(arg[3]))
local df = modu.frame({
  { "id", modu.range(1, n) },
  { "x", modu.random.uniform(n, 0, 1, 7) },
  { "city", modu.random.choice({ "北京", "深圳", "上海", "杭州" }, n, 3) },
})
local db = modu.open(path)
local stat = assert(io.open("/proc/self/stat"))
local pid = stat:read("n")
stat:close()
io.stdout:write("ready ", pid, "\n")
io.stdout:flush()
db:write("big", df, { if_exists = how })
io.stdout:write("done\n")
io.stdout:flush()
db:close()
]]

local script = os.tmpname()
do
  local f = assert(io.open(script, "w"))
  f:write(CHILD)
  f:close()
end

-- Runs the child on path and kills it `delay` seconds after its write has
-- started (after the rollback journal appears); delay nil: never killed.
-- Returns whether it finished its write.
local function run_child(path, how, delay)
  local lua = os.getenv("LUA") or "lua5.4"
  -- the same module search paths as this process, so the child loads this build
  local cmd = ("exec env LUA_PATH=%s LUA_CPATH=%s %s %s %s %s %d"):format(shell_quote(package.path),
    shell_quote(package.cpath), lua, shell_quote(script), shell_quote(path), how, N)
  local p = assert(io.popen(cmd, "r"))
  local pid = (p:read("l") or ""):match("^ready (%d+)$")
  assert.is_not_nil(pid, "the child did not start")
  if delay then
    -- the journal exists from the first page the write changes until the commit
    for _ = 1, 2000 do
      if exists(path .. "-journal") then break end
      os.execute("sleep 0.005")
    end
    if delay > 0 then os.execute("sleep " .. delay) end
    os.execute("kill -9 " .. pid .. " 2>/dev/null")
  end
  local rest = p:read("a")
  p:close()
  return rest:match("done") ~= nil
end

local function check(path, expect_old)
  local db <close> = modu.open(path)
  assert.are.same({ "ok" }, db:query("PRAGMA integrity_check"):col("integrity_check"):to_table())
  local tables = db:tables()
  if #tables == 0 then
    assert.is_false(expect_old, "the old table is gone")
    return "absent"
  end
  assert.are.same({ "big" }, tables)
  local r = db:query("SELECT count(*) AS n, sum(id) AS s, max(id) AS hi, count(x) AS nx, count(city) AS nc FROM big")
    :row(1)
  if r.n == OLD and expect_old then
    assert.are.same({ OLD * (OLD + 1) // 2, OLD }, { r.s, r.hi })
    return "old"
  end
  assert.are.same({ N, N * (N + 1) // 2, N, N, N }, { r.n, r.s, r.hi, r.nx, r.nc })
  return "complete"
end

local function fresh(with_old)
  local path = os.tmpname()
  os.remove(path)
  if with_old then
    local db <close> = modu.open(path)
    db:write("big", modu.frame({ { "id", modu.range(1, OLD) }, { "x", modu.rep(0.5, OLD) },
      { "city", modu.rep("旧", OLD) } }))
  end
  return path
end

local function cleanup(path)
  os.remove(path)
  os.remove(path .. "-journal")
end

describe("db:write killed with SIGKILL", function()
  local outcomes = {}

  teardown(function() os.remove(script) end)

  for _, case in ipairs({
    { how = "fail", delay = 0 },
    { how = "fail", delay = 0.3 },
    { how = "fail", delay = 1.0 },
    { how = "replace", delay = 0, old = true },
    { how = "replace", delay = 0.6, old = true },
  }) do
    it(("leaves the %s table whole (if_exists = %s, killed %.1f s into the write)")
      :format(case.old and "old or new" or "new", case.how, case.delay), function()
      local path = fresh(case.old)
      local finished = run_child(path, case.how, case.delay)
      local state = check(path, case.old == true)
      if finished then assert.are.equal("complete", state) end
      outcomes[#outcomes + 1] = finished and "finished" or state
      cleanup(path)
    end)
  end

  it("was killed in the middle at least once, and finishes when left alone", function()
    local mid = 0
    for _, o in ipairs(outcomes) do
      if o == "absent" or o == "old" then mid = mid + 1 end
    end
    assert.is_true(mid >= 1, "every child finished before its kill: " .. table.concat(outcomes, ", "))
    local path = fresh(false)
    assert.is_true(run_child(path, "fail", nil))
    assert.are.equal("complete", check(path, false))
    cleanup(path)
  end)
end)
