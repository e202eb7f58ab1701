--- modu.entities: one entity, many names. A registry maps every alias of a
-- city, province or company (in any language) to one id through match keys
-- (modu.text.key), falling back to a fuzzy match above a threshold.
-- @module modu.entities
local core = require "modu.core"
local text = require "modu.text"

local NA = core.NA

local entities = {}

local Registry = {}
Registry.__index = Registry
Registry.__name = "modu.Entities"

local METHODS = { dl = true, trigram = true }

local function check_threshold(fn, t)
  if type(t) ~= "number" or t ~= t or t < 0 or t > 1 then
    error(("%s: threshold must be a number from 0 to 1, got %s"):format(fn, tostring(t)), 3)
  end
end

local function check_method(fn, m)
  if not METHODS[m] then
    error(("%s: unknown method '%s' (methods: dl, trigram)"):format(fn, tostring(m)), 3)
  end
end

local function check_opts(fn, opts, allowed)
  if opts == nil then return {} end
  if type(opts) ~= "table" then
    error(("%s: options must be a table, got %s"):format(fn, type(opts)), 3)
  end
  for k in pairs(opts) do
    if not allowed[k] then
      local names = {}
      for name in pairs(allowed) do names[#names + 1] = name end
      table.sort(names)
      error(("%s: unknown option '%s' (options: %s)"):format(fn, tostring(k), table.concat(names, ", ")), 3)
    end
  end
  return opts
end

--- A new, empty registry.
-- @tparam[opt] table opts `threshold` (0.8): least similarity of a fuzzy match;
-- `method` ("dl"): "dl" (Damerau–Levenshtein on code points) or "trigram"
-- @treturn modu.Entities
function entities.new(opts)
  opts = check_opts("new", opts, { threshold = true, method = true })
  local threshold = opts.threshold == nil and 0.8 or opts.threshold
  check_threshold("new", threshold)
  local method = opts.method or "dl"
  check_method("new", method)
  return setmetatable({
    _ids = {},        -- ids in the order added
    _entity = {},     -- id -> { kind =, aliases = { { name =, lang =, key = } } }
    _by_key = {},     -- key -> array of { id =, alias = }
    _keys = {},       -- distinct keys in the order first seen (fuzzy search order)
    _threshold = threshold,
    _method = method,
  }, Registry)
end

local function ids_list(self)
  local shown = {}
  for i = 1, math.min(#self._ids, 8) do shown[i] = self._ids[i] end
  local s = table.concat(shown, ", ")
  if #self._ids > 8 then s = s .. ", …" end
  return #self._ids > 0 and ("ids: " .. s) or "the registry is empty"
end

--- Adds an entity.
-- @tparam string id
-- @tparam table spec `{ kind = "city"|"province"|"company"|..., names = { en = {...}, zh = {...}, id = {...} } }`;
-- a language's names may be one string or an array of strings
-- @return self
function Registry:add(id, spec)
  if type(id) ~= "string" or id == "" then
    error(("add: id must be a non-empty string, got %s"):format(type(id) == "string" and "''" or type(id)), 2)
  end
  if self._entity[id] then error(("add: id '%s' is already registered"):format(id), 2) end
  if type(spec) ~= "table" then error(("add: spec for '%s' must be a table, got %s"):format(id, type(spec)), 2) end
  for k in pairs(spec) do
    if k ~= "kind" and k ~= "names" then
      error(("add: unknown field '%s' in the spec for '%s' (fields: kind, names)"):format(tostring(k), id), 2)
    end
  end
  if type(spec.kind) ~= "string" or spec.kind == "" then
    error(("add: kind of '%s' must be a non-empty string such as \"city\", \"province\" or \"company\", got %s")
      :format(id, type(spec.kind)), 2)
  end
  if type(spec.names) ~= "table" then
    error(("add: names of '%s' must be a table keyed by language ({ en = {...}, zh = {...} }), got %s")
      :format(id, type(spec.names)), 2)
  end
  local langs = {}
  for lang in pairs(spec.names) do
    if type(lang) ~= "string" or not lang:match("^%a[%w_-]*$") then
      error(("add: names of '%s' must be keyed by a language code such as en, zh or id, got %s")
        :format(id, tostring(lang)), 2)
    end
    langs[#langs + 1] = lang
  end
  table.sort(langs)
  local aliases = {}
  for _, lang in ipairs(langs) do
    local list = spec.names[lang]
    if type(list) == "string" then list = { list } end
    if type(list) ~= "table" then
      error(("add: names.%s of '%s' must be a string or an array of strings, got %s"):format(lang, id, type(list)), 2)
    end
    for i, name in ipairs(list) do
      if type(name) ~= "string" then
        error(("add: names.%s[%d] of '%s' must be a string, got %s"):format(lang, i, id, type(name)), 2)
      end
      local ok, key = pcall(text.key, name)
      if not ok then error(("add: names.%s[%d] of '%s': %s"):format(lang, i, id, key), 2) end
      if key == "" then error(("add: names.%s[%d] of '%s' is empty once normalized"):format(lang, i, id), 2) end
      aliases[#aliases + 1] = { name = name, lang = lang, key = key }
    end
  end
  if #aliases == 0 then error(("add: '%s' has no names"):format(id), 2) end
  self._entity[id] = { kind = spec.kind, aliases = aliases }
  self._ids[#self._ids + 1] = id
  for _, a in ipairs(aliases) do
    local bucket = self._by_key[a.key]
    if not bucket then
      bucket = {}
      self._by_key[a.key] = bucket
      self._keys[#self._keys + 1] = a.key
    end
    local seen = false
    for _, b in ipairs(bucket) do seen = seen or b.id == id end
    if not seen then bucket[#bucket + 1] = { id = id, alias = a.name } end
  end
  return self
end

-- candidates for a key: exact first, else the fuzzy best per entity
local function lookup(self, key, threshold, method, kind)
  local function wanted(id) return kind == nil or self._entity[id].kind == kind end
  local exact = {}
  for _, b in ipairs(self._by_key[key] or {}) do
    if wanted(b.id) then exact[#exact + 1] = { id = b.id, alias = b.alias, score = 1.0 } end
  end
  if #exact > 0 then return exact, 1.0 end
  local best, order = {}, {}
  local top = 0
  for _, k in ipairs(self._keys) do
    local s = text.similarity(key, k, method)
    if s >= threshold then
      for _, b in ipairs(self._by_key[k]) do
        if wanted(b.id) and (not best[b.id] or s > best[b.id].score) then
          if not best[b.id] then order[#order + 1] = b.id end
          best[b.id] = { id = b.id, alias = b.alias, score = s }
        end
      end
    end
    if s > top then top = s end
  end
  local winners, wscore = {}, -1
  for _, id in ipairs(order) do
    local c = best[id]
    if c.score > wscore + 1e-12 then
      winners, wscore = { c }, c.score
    elseif math.abs(c.score - wscore) <= 1e-12 then
      winners[#winners + 1] = c
    end
  end
  return winners, #winners > 0 and wscore or top
end

local RESOLVE_OPTS = { threshold = true, method = true, kind = true }

local function resolve_opts(self, fn, opts)
  opts = check_opts(fn, opts, RESOLVE_OPTS)
  local threshold = opts.threshold == nil and self._threshold or opts.threshold
  check_threshold(fn, threshold)
  local method = opts.method or self._method
  check_method(fn, method)
  if opts.kind ~= nil and type(opts.kind) ~= "string" then
    error(("%s: kind must be a string, got %s"):format(fn, type(opts.kind)), 3)
  end
  return threshold, method, opts.kind
end

--- The entity a name refers to.
-- Exact match keys win; otherwise the most similar alias at or above the
-- threshold. When several entities tie, none is picked.
-- @tparam string name
-- @tparam[opt] table opts `threshold`, `method`, `kind` (only entities of that kind)
-- @return id (nil when none or ambiguous), score in [0, 1] (the best seen), the
-- matched alias, and when ambiguous an array of `{ id, alias, score }` candidates
function Registry:resolve(name, opts)
  if getmetatable(self) ~= Registry then error("resolve: call it as reg:resolve(name)", 2) end
  if type(name) ~= "string" then error(("resolve: name must be a string, got %s"):format(type(name)), 2) end
  local threshold, method, kind = resolve_opts(self, "resolve", opts)
  local ok, key = pcall(text.key, name)
  if not ok then error((tostring(key):gsub("^key: ", "resolve: ")), 2) end
  local cands, score = lookup(self, key, threshold, method, kind)
  if #cands == 1 then return cands[1].id, cands[1].score, cands[1].alias end
  if #cands > 1 then return nil, score, nil, cands end
  return nil, score
end

--- Resolves every row of a str column (each distinct key once).
-- @tparam modu.Column col a str column
-- @tparam[opt] table opts as for resolve
-- @treturn modu.Column ids (str; NA where nothing or several entities match)
-- @treturn modu.Column scores (float; NA where the input is NA)
function Registry:resolve_column(col, opts)
  if getmetatable(self) ~= Registry then error("resolve_column: call it as reg:resolve_column(col)", 2) end
  local threshold, method, kind = resolve_opts(self, "resolve_column", opts)
  local ok, mt = pcall(getmetatable, col)
  if not ok or type(col) ~= "userdata" or not (mt and mt.__name == "modu.Column") then
    error(("resolve_column: expected a modu.Column of str, got %s"):format(type(col)), 2)
  end
  if col:type() ~= "str" then
    error(("resolve_column: expected a str column, got %s"):format(col:type()), 2)
  end
  local keys = col:key():to_table()
  local cache, ids, scores = {}, {}, {}
  for i, k in ipairs(keys) do
    if k == NA then
      ids[i], scores[i] = NA, NA
    else
      local hit = cache[k]
      if not hit then
        local cands, score = lookup(self, k, threshold, method, kind)
        hit = { #cands == 1 and cands[1].id or NA, score + 0.0 }
        cache[k] = hit
      end
      ids[i], scores[i] = hit[1], hit[2]
    end
  end
  return core.column(ids, "str"), core.column(scores, "float")
end

--- Every name of an entity, in the order added (languages sorted).
-- @tparam string id
-- @treturn {string,...} the names
-- @treturn table the names by language, `{ en = {...}, zh = {...} }`
function Registry:aliases(id)
  local e = self._entity[id]
  if not e then error(("aliases: no entity '%s' (%s)"):format(tostring(id), ids_list(self)), 2) end
  local all, by = {}, {}
  for _, a in ipairs(e.aliases) do
    all[#all + 1] = a.name
    by[a.lang] = by[a.lang] or {}
    table.insert(by[a.lang], a.name)
  end
  return all, by
end

--- The kind of an entity ("city", "company", ...).
function Registry:kind(id)
  local e = self._entity[id]
  if not e then error(("kind: no entity '%s' (%s)"):format(tostring(id), ids_list(self)), 2) end
  return e.kind
end

--- The ids, in the order added.
function Registry:ids()
  return table.move(self._ids, 1, #self._ids, 1, {})
end

function Registry:__len() return #self._ids end

function Registry:__tostring()
  return ("modu.Entities (%d entities, %d keys)"):format(#self._ids, #self._keys)
end

return entities
