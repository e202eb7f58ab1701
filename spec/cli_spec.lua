-- The modu command (bin/modu): report, sql, check and the usage errors, and the
-- two examples (the main job, and adding a CSV of one's own figures), each run
-- as a separate process from another directory with the module paths this spec
-- runs under (made absolute), as users start them.
local lfs = require "lfs"
local support = require "spec.support"

local q = support.shell_quote

local function project_root()
  local dir = debug.getinfo(1, "S").source:match "^@(.*)/spec/[^/]*$" or "."
  if dir:sub(1, 1) ~= "/" then dir = lfs.currentdir() .. "/" .. dir end
  return dir
end

local ROOT = project_root()

-- a search path with its relative entries made absolute (";;", the default, kept)
local function absolute(path)
  if not path then return nil end
  local out = {}
  for entry in (path .. ";"):gmatch("([^;]*);") do
    if entry ~= "" and entry:sub(1, 1) ~= "/" then entry = ROOT .. "/" .. entry end
    out[#out + 1] = entry
  end
  return table.concat(out, ";")
end

local LUA = os.getenv("LUA") or "lua5.4"
local ENV = ""
for _, name in ipairs({ "LUA_PATH", "LUA_CPATH" }) do
  local v = absolute(os.getenv(name))
  if v then ENV = ENV .. name .. "=" .. q(v) .. " " end
end

local slurp = support.slurp

local function scratch()
  local tmp = os.tmpname()
  os.remove(tmp)
  assert(os.execute("mkdir -p " .. q(tmp)))
  return tmp
end

local function cleanup(tmp)
  if tmp and tmp:match("^/tmp/") then os.execute("rm -rf " .. q(tmp)) end
end

-- runs a Lua script of the project in dir: exit code, stdout, stderr
local function run_script(dir, script, args)
  local errf = dir .. "/stderr"
  local p = assert(io.popen(("cd %s && %s%s %s %s 2>%s"):format(q(dir), ENV, LUA, q(ROOT .. "/" .. script), args,
    q(errf))))
  local out = p:read("a")
  local _, _, code = p:close()
  return code, out, slurp(errf) or ""
end

describe("the modu command", function()
  local tmp
  setup(function() tmp = scratch() end)
  teardown(function() cleanup(tmp) end)

  local function modu(args) return run_script(tmp, "bin/modu", args) end

  it("report --html FILE --md FILE prints the report and writes both files where it is run", function()
    local code, out, err = modu("report --html r.html --md r.md")
    assert.are.equal(0, code, err)
    assert.matches("== Who is winning, by which measure", out, 1, true)
    assert.matches("shenzhen_addition", out, 1, true)
    local html = slurp(tmp .. "/r.html")
    assert.is_not_nil(html, "no r.html in " .. tmp)
    assert.matches("^<!DOCTYPE html>", html)
    assert.matches("</html>\n$", html)
    assert.are.equal(4, select(2, html:gsub("<svg ", "")))
    local md = slurp(tmp .. "/r.md")
    assert.is_not_nil(md)
    assert.matches("^# The battle for Modu", md)
  end)

  it("report --md FILE alone writes only the Markdown", function()
    os.remove(tmp .. "/only.html")
    local code, _, err = modu("report --md only.md")
    assert.are.equal(0, code, err)
    assert.matches("## The Modu index", slurp(tmp .. "/only.md"), 1, true)
    assert.is_nil(slurp(tmp .. "/only.html"))
  end)

  it("report exits 1 when it cannot write a file", function()
    local code, _, err = modu("report --html no-such-dir/r.html")
    assert.are.equal(1, code)
    assert.matches("modu: cannot write no-such-dir/r.html", err, 1, true)
    assert.is_nil(err:find("usage:", 1, true))
  end)

  it("sql prints the frame a query returns", function()
    local code, out, err = modu("sql " .. q("SELECT entity, value FROM metrics WHERE indicator = "
      .. "'ai_related_enterprises' AND year = 2016 ORDER BY value DESC"))
    assert.are.equal(0, code, err)
    local lines = {}
    for line in out:gmatch("[^\n]+") do lines[#lines + 1] = line end
    assert.matches("^1%s+beijing%s+39800$", lines[3])
    assert.matches("^2%s+shenzhen%s+36100$", lines[4])
    assert.matches("^3%s+shanghai%s+26500$", lines[5])
    assert.are.equal("[3 rows × 2 columns]", lines[6])
  end)

  it("sql reports a bad statement on stderr with exit code 1", function()
    local code, out, err = modu("sql " .. q("SELECT nope FROM metrics"))
    assert.are.equal(1, code)
    assert.are.equal("", out)
    assert.matches("nope", err, 1, true)
  end)

  it("check prints every claim with its verdict", function()
    local code, out, err = modu("check")
    assert.are.equal(0, code, err)
    assert.matches("\nshenzhen_addition: contradicted\n  says (p37): ", out, 1, true)
    assert.matches("\n  evidence: 2023 63800 − 2016 36100 = 27700; the article says 42600\n", out, 1, true)
    assert.matches("^leader_2016: holds\n", out)
    assert.matches("\ncompute_nine_cities: contradicted\n", out, 1, true)
    -- holds: the two leaders, Shanghai's output, the platforms' month, Shanghai's champions, three platforms
    assert.matches("\n14 claims: 6 hold, 3 contradicted, 5 unverifiable\n$", out)
  end)

  it("answers a bad command with exit code 2 and the usage", function()
    local code, out, err = modu("frobnicate")
    assert.are.equal(2, code)
    assert.are.equal("", out)
    assert.matches("modu: unknown command 'frobnicate'", err, 1, true)
    assert.matches("usage: modu report [--html FILE] [--md FILE]", err, 1, true)
    assert.matches("modu sql \"SELECT ...\"", err, 1, true)
  end)

  it("answers no command, and a flag without its file, with exit code 2", function()
    local code, _, err = modu("")
    assert.are.equal(2, code)
    assert.matches("modu: no command", err, 1, true)
    code, _, err = modu("report --html")
    assert.are.equal(2, code)
    assert.matches("report takes --html FILE and --md FILE", err, 1, true)
    code, _, err = modu("sql")
    assert.are.equal(2, code)
    assert.matches("sql takes one SQL statement", err, 1, true)
  end)
end)

describe("the examples", function()
  local tmp
  setup(function() tmp = scratch() end)
  teardown(function() cleanup(tmp) end)

  it("battle_for_modu.lua prints the report and writes report.md and report.html", function()
    local code, out, err = run_script(tmp, "examples/battle_for_modu.lua", "out")
    assert.are.equal(0, code, err)
    assert.matches("== How sure: rank uncertainty", out, 1, true)
    assert.matches("wrote out/report.html", out, 1, true)
    assert.matches("wrote out/report.md", out, 1, true)
    assert.matches("^<!DOCTYPE html>", slurp(tmp .. "/out/report.html"))
    assert.matches("^# The battle for Modu", slurp(tmp .. "/out/report.md"))
  end)

  it("extend_with_csv.lua adds the CSV's cities and reruns the index", function()
    local code, out, err = run_script(tmp, "examples/extend_with_csv.lua", "")
    assert.are.equal(0, code, err)
    assert.matches("not ranked (coverage below 0.6): hangzhou, hefei", out, 1, true)
    assert.matches("added 7 rows to metrics", out, 1, true)
    assert.matches("source: illustrative value for examples/extend_with_csv.lua, not a real figure", out, 1, true)
    -- after: six cities ranked. Hefei has 2016, 2023 (both the minimum), the top CAGR
    -- and 1 of 3 champions: (0 + 0 + 100 + 100/3) / 4 = 33.3333
    local after = out:match("The Modu index with the added figures:\n(.-)\n\n")
    assert.is_not_nil(after)
    local order = {}
    for city in after:gmatch("\n%d+%s+(%a+)%s") do order[#order + 1] = city end
    assert.are.same({ "shenzhen", "beijing", "shanghai", "hefei", "hangzhou", "wuhan" }, order)
    assert.matches("\n4%s+hefei%s+33%.3333%s+4%s+0%.8%s+true", after)
    -- Beijing: 2016 max, 2023 (47800-10000)/53800, CAGR min, output (227-100)/282.1, champions max
    local bj = (1 + 37800 / 53800 + 0 + 127 / 282.1 + 1) * 100 / 5
    assert.matches(("\n2%%s+beijing%%s+%s%%s+2%%s"):format(("%.4f"):format(bj):gsub("%.", "%%.")), after)
    assert.matches("\n6%s+wuhan%s+NA%s+6", out)   -- not in the index before, 6th after
  end)
end)
