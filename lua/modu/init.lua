--- modu: typed columnar data frames for Lua 5.4 with a C core.
-- This file is the public entry point: it re-exports the C core (modu.core)
-- and adds the few conveniences that are easier to say in Lua than in C.
-- @module modu
local core = require "modu.core"

local modu = {}
for k, v in pairs(core) do modu[k] = v end

--- Version of this library.
modu._VERSION = "modu 0.1.0"

local NA = core.NA

-- Byte order, as modu.frame sorts a keyed table: `<` on strings follows the
-- locale's collation (strcoll), which would make the column order host-dependent.
local function byte_less(a, b)
  for i = 1, math.min(#a, #b) do
    local x, y = a:byte(i), b:byte(i)
    if x ~= y then return x < y end
  end
  return #a < #b
end

--- Frame from an array of row tables.
-- Without `names`, the columns are every key any row has, sorted by name in
-- byte order (as `modu.frame` orders a keyed table). A key a row lacks is NA there.
-- Rows may also be arrays when `names` gives the column for each position.
-- @tparam {table,...} rows
-- @tparam[opt] {string,...} names
-- @treturn modu.Frame
function modu.from_rows(rows, names)
  if type(rows) ~= "table" then
    error(("from_rows: expected an array of row tables, got %s"):format(type(rows)), 2)
  end
  if names ~= nil and type(names) ~= "table" then
    error(("from_rows: names must be an array of strings, got %s"):format(type(names)), 2)
  end
  if names == nil then
    local seen = {}
    names = {}
    for i, row in ipairs(rows) do
      if type(row) ~= "table" then
        error(("from_rows: row %d is a %s, not a table"):format(i, type(row)), 2)
      end
      for k in pairs(row) do
        if type(k) ~= "string" then
          error(("from_rows: row %d has a non-string key (pass names to read arrays by position)"):format(i), 2)
        end
        if not seen[k] then seen[k], names[#names + 1] = true, k end
      end
    end
    table.sort(names, byte_less)
  end
  local cols = {}
  for j, name in ipairs(names) do
    local values = {}
    for i, row in ipairs(rows) do
      if type(row) ~= "table" then
        error(("from_rows: row %d is a %s, not a table"):format(i, type(row)), 2)
      end
      local v = row[name]
      if v == nil then v = row[j] end
      if v == nil then v = NA end
      values[i] = v
    end
    cols[j] = { name, values }
  end
  if #names == 0 then return core.frame({}) end
  -- the constructor's messages name the column; say which function was called
  local ok, df = pcall(core.frame, cols)
  if not ok then error((tostring(df):gsub("^frame: ", "from_rows: ")), 2) end
  return df
end

modu.text = require "modu.text"
modu.entities = require "modu.entities"
modu.stats = require "modu.stats"
modu.index = require "modu.index"
modu.plot = require "modu.plot"
modu.data = require "modu.data"

--- Opens a database: `modu.open()` is an in-memory database holding the
-- embedded dataset (see modu.data); `modu.open(path [, opts])` a file, and
-- `modu.open(":memory:")` an empty in-memory one.
-- @treturn modu.Db
function modu.open(path, opts)
  local db = core.open(path, opts)
  if path == nil then
    local ok, err = pcall(modu.data.load, db)
    if not ok then
      db:close()
      error(err, 2)
    end
  end
  return db
end

--- db:profile(name): what the dataset says of one entity (any alias), as a card.
modu.Db.profile = modu.data.profile
--- db:add("metrics", df): adds a user's figures after checking entities, units and sources.
modu.Db.add = modu.data.add

return modu
