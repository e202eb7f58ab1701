-- Installs modu with `luarocks make` into a throwaway tree, then requires it from
-- another directory with only that tree on the paths: proves the rockspec lists
-- every file `require "modu"` needs. Needs no network (no rock dependencies).

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
    -- `luarocks make` builds in the source tree: objects beside the sources
    -- and ./modu/core.so. They are build output only, never sources.
    run(CLEAN_ENV .. "-C " .. q(root) .. " sh -c 'rm -f csrc/*.o csrc/core/*.o modu/core.so; "
      .. "[ ! -d modu ] || rmdir modu 2>/dev/null || true'")
  end)

  it("builds with luarocks make and loads from the installed tree alone", function()
    local tree = tmp .. "/tree"
    -- HOME: luarocks wants a writable home for its cache, and no personal
    -- config of the developer's should change what gets built.
    local ok, out = run(CLEAN_ENV .. "-C " .. q(root) .. " HOME=" .. q(tmp .. "/home")
      .. " luarocks --lua-version 5.4 --tree " .. q(tree) .. " make rockspec/modu-scm-1.rockspec")
    assert(ok, "luarocks make failed:\n" .. out)

    local lpath = tree .. "/share/lua/5.4/?.lua;" .. tree .. "/share/lua/5.4/?/init.lua"
    local cpath = tree .. "/lib/lua/5.4/?.so"
    local script = [[local m = require "modu"; print(m._VERSION)]]
    ok, out = run(CLEAN_ENV .. "-C " .. q(tmp) .. " LUA_PATH=" .. q(lpath) .. " LUA_CPATH=" .. q(cpath)
      .. " lua5.4 -e " .. q(script))
    assert(ok, "require \"modu\" from the installed tree failed:\n" .. out)
    assert.matches("^modu ", out)
  end)
end)
