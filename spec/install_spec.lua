-- Installs modu with `luarocks make` into a throwaway tree, then requires it from
-- another directory with only that tree on the paths, and runs the installed
-- `modu` command: proves the rockspec lists every file `require "modu"` and
-- `modu report` need. Needs no network (no rock dependencies).
-- It builds in a copy of the sources: `luarocks make` writes objects beside
-- them, and a second checkout-wide build running at the same time (another
-- `make test`) would delete or overwrite them halfway.

local lfs = require "lfs"

local function q(s) return "'" .. s:gsub("'", [['\'']]) .. "'" end

-- Children must not inherit `make asan`'s preloaded ASan runtime: luarocks, gcc
-- and the installed (uninstrumented) module are not what that run checks.
-- `exec` keeps the sh that popen starts from living on under ASan as well.
local CLEAN_ENV = "exec env -u LD_PRELOAD -u ASAN_OPTIONS -u LSAN_OPTIONS -u UBSAN_OPTIONS "

-- runs a command, returning success and everything it printed
local function run(cmd)
  local p = assert(io.popen(cmd .. " 2>&1"))
  local out = p:read "a"
  local ok, _, code = p:close()
  return ok == true, out, code
end

local function project_root()
  local dir = debug.getinfo(1, "S").source:match "^@(.*)/spec/[^/]*$" or "."
  if dir:sub(1, 1) ~= "/" then dir = lfs.currentdir() .. "/" .. dir end
  return dir
end

describe("luarocks install", function()
  local root = project_root()
  local tmp

  setup(function()
    local ok, out = run(CLEAN_ENV .. "mktemp -d")
    assert(ok, out)
    tmp = out:gsub("%s+$", "")
  end)

  teardown(function()
    if tmp and tmp:match "^/tmp/" then run(CLEAN_ENV .. "rm -rf " .. q(tmp)) end
  end)

  it("builds with luarocks make and loads from the installed tree alone", function()
    local tree = tmp .. "/tree"
    -- what the rockspec reads: its own directory, the C and Lua sources, the script
    local src = tmp .. "/src"
    local ok, out = run(CLEAN_ENV .. "sh -c " .. q("mkdir -p " .. q(src) .. " && cd " .. q(root)
      .. " && cp -R rockspec csrc lua bin " .. q(src)))
    assert(ok, "copying the sources failed:\n" .. out)
    -- HOME: luarocks wants a writable home for its cache, and no personal
    -- config of the developer's should change what gets built.
    ok, out = run(CLEAN_ENV .. "-C " .. q(src) .. " HOME=" .. q(tmp .. "/home")
      .. " luarocks --lua-version 5.4 --tree " .. q(tree) .. " make rockspec/modu-scm-1.rockspec")
    assert(ok, "luarocks make failed:\n" .. out)

    local lpath = tree .. "/share/lua/5.4/?.lua;" .. tree .. "/share/lua/5.4/?/init.lua"
    local cpath = tree .. "/lib/lua/5.4/?.so"
    local script = [[local m = require "modu"; print(m._VERSION)]]
    ok, out = run(CLEAN_ENV .. "-C " .. q(tmp) .. " LUA_PATH=" .. q(lpath) .. " LUA_CPATH=" .. q(cpath)
      .. " lua5.4 -e " .. q(script))
    assert(ok, "require \"modu\" from the installed tree failed:\n" .. out)
    assert.matches("^modu ", out)

    -- the rockspec installs bin/modu through install.bin: luarocks puts a
    -- wrapper in <tree>/bin that sets the paths itself, so none are given here
    local wrapper = tree .. "/bin/modu"
    local f = io.open(wrapper, "r")
    assert.is_not_nil(f, "no " .. wrapper)
    local body = f:read("a")
    f:close()
    assert.matches(tree .. "/share/lua/5.4/?.lua", body, 1, true)
    local html = tmp .. "/r.html"
    ok, out = run(CLEAN_ENV .. "-u LUA_PATH -u LUA_CPATH -u LUA_PATH_5_4 -u LUA_CPATH_5_4 -C " .. q(tmp)
      .. " " .. q(wrapper) .. " report --html " .. q(html))
    assert(ok, "modu report from the installed tree failed:\n" .. out)
    assert.matches("== Who is winning, by which measure", out, 1, true)
    f = io.open(html, "r")
    assert.is_not_nil(f, "modu report wrote no " .. html)
    local page = f:read("a")
    f:close()
    assert.matches("^<!DOCTYPE html>", page)
    assert.are.equal(4, select(2, page:gsub("<svg ", "")))
  end)
end)
