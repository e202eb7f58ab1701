--- The embedded dataset: the seed article's facts as typed frames.
-- Every row names the paragraph that states it (`src`); a record without one,
-- or citing a paragraph that is not stored, is refused when the frames are built.
-- @module modu.data
local modu = require "modu.core"
local facts = require "modu.data.facts"
local sources = require "modu.data.sources"

local NA = modu.NA
local data = { facts = facts, sources = sources }

local function opt(v)
  if v == nil then return NA end
  return v
end

local function check_src(tbl, i, rec, field)
  field = field or "src"
  local src = rec[field]
  if math.type(src) ~= "integer" or not sources.paragraphs[src] then
    error(("modu.data: %s record %d has no source paragraph (%s = %s); every fact cites the passage that "
      .. "states it"):format(tbl, i, field, tostring(src)), 0)
  end
  return src
end

--- The passage text of paragraph `p` (a line of the seed file).
function data.passage(p)
  return sources.paragraphs[p]
end

-- builds a frame from records with the given columns: { name, type, getter }
local function build(tbl, records, spec)
  local cols = {}
  for j, s in ipairs(spec) do cols[j] = { s[1], {} } end
  for i, rec in ipairs(records) do
    check_src(tbl, i, rec)
    for j, s in ipairs(spec) do
      -- not `s[3] and s[3](rec) or ...`: a getter's false would fall through to NA
      local v
      if s[3] then v = s[3](rec) else v = rec[s[1]] end
      cols[j][2][i] = opt(v)
    end
  end
  for j, s in ipairs(spec) do cols[j][2] = modu.column(cols[j][2], s[2]) end
  return modu.frame(cols)
end

local function entity_index()
  local by_id = {}
  for _, e in ipairs(facts.entities) do by_id[e.id] = e end
  return by_id
end

-- Every id a record points at must exist: a misspelt id would otherwise
-- drop a fact silently from every join and profile.
local function check_refs(ents)
  local ids = {}
  for _, p in ipairs(facts.policies) do ids[p.id] = true end
  local evs = {}
  for _, e in ipairs(facts.events) do evs[e.id] = true end
  local function need(tbl, i, what, id, known)
    if id ~= nil and not known[id] then
      error(("modu.data: %s record %d names an unknown %s '%s'"):format(tbl, i, what, tostring(id)), 0)
    end
  end
  local function each(tbl, fields, known, what)
    for i, r in ipairs(facts[tbl]) do
      for _, f in ipairs(fields) do
        local v = r[f]
        if type(v) == "table" then
          for _, x in ipairs(v) do need(tbl, i, what, x, known) end
        else
          need(tbl, i, what, v, known)
        end
      end
    end
  end
  each("entities", { "city", "province", "parent" }, ents, "entity")
  each("metrics", { "entity" }, ents, "entity")
  each("policies", { "jurisdiction" }, ents, "entity")
  each("policy_mentions", { "policy" }, ids, "policy")
  each("targets", { "policy" }, ids, "policy")
  each("thresholds", { "companies" }, ents, "entity")
  each("events", { "entities" }, ents, "entity")
  each("events", { "policy" }, ids, "policy")
  each("events", { "after" }, evs, "event")
  each("platforms", { "company" }, ents, "entity")
  each("ties", { "place", "party", "with" }, ents, "entity")
  each("compute_centers", { "place" }, ents, "entity")
  each("themes", { "cities" }, ents, "entity")
  for i, m in ipairs(facts.metrics) do
    if not facts.indicators[m.indicator] then
      error(("modu.data: metrics record %d has an unknown indicator '%s'"):format(i, tostring(m.indicator)), 0)
    end
  end
end

local function first(list)
  return list and list[1] or nil
end

--- All tables of the dataset as frames, keyed by table name.
-- sources, entities, aliases, indicators, metrics, policies, policy_mentions,
-- targets, thresholds, events, event_entities, platforms, ties, compute_centers,
-- themes, claims.
function data.frames()
  local ents = entity_index()
  check_refs(ents)
  local t = {}
  local paras = {}
  for p in pairs(sources.paragraphs) do paras[#paras + 1] = p end
  table.sort(paras)
  local srows = {}
  for i, p in ipairs(paras) do srows[i] = { src = p, file = sources.file, paragraph = p, text = sources.paragraphs[p] } end
  t.sources = build("sources", srows, { { "file", "str" }, { "paragraph", "int" }, { "text", "str" } })

  t.entities = build("entities", facts.entities, {
    { "id", "str" }, { "kind", "str" },
    { "name_en", "str", function(r) return first(r.names.en) end },
    { "name_zh", "str", function(r) return first(r.names.zh) end },
    { "within", "str", function(r) return r.city or r.province or r.parent end },
    { "src", "int" },
  })

  local arows = {}
  for _, e in ipairs(facts.entities) do
    local seen = {}
    for _, lang in ipairs({ "id", "en", "zh" }) do
      for _, name in ipairs(e.names[lang] or {}) do
        if not seen[name] then
          seen[name] = true
          arows[#arows + 1] = { entity = e.id, alias = name, lang = lang, src = e.src }
        end
      end
    end
  end
  t.aliases = build("aliases", arows, { { "entity", "str" }, { "alias", "str" }, { "lang", "str" }, { "src", "int" } })

  local inames = {}
  for name in pairs(facts.indicators) do inames[#inames + 1] = name end
  table.sort(inames)
  local irows = {}
  for i, name in ipairs(inames) do
    local d = facts.indicators[name]
    irows[i] = { indicator = name, unit = d.unit, level = d.level, definition = d.definition, src = d.src }
  end
  t.indicators = build("indicators", irows, {
    { "indicator", "str" }, { "unit", "str" }, { "level", "str" }, { "definition", "str" }, { "src", "int" },
  })

  t.metrics = build("metrics", facts.metrics, {
    { "entity", "str" }, { "indicator", "str" }, { "year", "int" }, { "year_note", "str" },
    { "value", "float" },
    { "unit", "str", function(r) return facts.indicators[r.indicator].unit end },
    { "level", "str", function(r) return facts.indicators[r.indicator].level end },
    { "definition", "str", function(r) return facts.indicators[r.indicator].definition end },
    { "kind", "str" }, { "approx", "bool", function(r) return r.approx == true end }, { "src", "int" },
    { "source", "str", function(r) return ("%s, paragraph %d"):format(sources.file, r.src) end },
  })

  for i, p in ipairs(facts.policies) do
    if p.published then check_src("policies", i, p, "date_src") end
  end
  t.policies = build("policies", facts.policies, {
    { "id", "str" }, { "kind", "str" }, { "jurisdiction", "str" }, { "title_en", "str" }, { "title_id", "str" },
    { "published", "date", function(r) return r.published and modu.date(r.published) end },
    { "period_from", "int" }, { "period_to", "int" }, { "src", "int" },
  })

  t.policy_mentions = build("policy_mentions", facts.policy_mentions, {
    { "policy", "str" }, { "as_written", "str" }, { "src", "int" },
  })

  t.targets = build("targets", facts.targets, {
    { "policy", "str" }, { "year", "int" }, { "what", "str" }, { "count", "int" }, { "threshold", "float" },
    { "unit", "str" }, { "comparator", "str" }, { "src", "int" },
  })

  t.thresholds = build("thresholds", facts.thresholds, {
    { "id", "str" }, { "what", "str" }, { "value", "float" }, { "unit", "str" },
    { "unit_stated", "bool", function(r) return r.unit_stated ~= false end },
    { "companies", "str", function(r) return table.concat(r.companies, ", ") end },
    { "note", "str" }, { "src", "int" },
  })

  t.events = build("events", facts.events, {
    { "id", "str" }, { "date", "date", function(r) return r.date and modu.date(r.date) end },
    { "year", "int", function(r) return r.year or (r.date and tonumber(r.date:sub(1, 4))) end },
    { "month", "int", function(r) return r.month or r.month_from or (r.date and tonumber(r.date:sub(6, 7))) end },
    { "month_to", "int" },
    { "day", "int", function(r) return r.day or (r.date and tonumber(r.date:sub(9, 10))) end },
    { "precision", "str" }, { "after", "str" }, { "after_days", "int" }, { "what", "str" }, { "year_note", "str" },
    { "src", "int" },
  })

  local eerows = {}
  for _, ev in ipairs(facts.events) do
    for _, id in ipairs(ev.entities) do eerows[#eerows + 1] = { event = ev.id, entity = id, src = ev.src } end
  end
  t.event_entities = build("event_entities", eerows, { { "event", "str" }, { "entity", "str" }, { "src", "int" } })

  t.platforms = build("platforms", facts.platforms, { { "company", "str" }, { "domain", "str" }, { "src", "int" } })

  t.ties = build("ties", facts.ties, {
    { "place", "str" }, { "party", "str" }, { "tie", "str" }, { "with", "str" }, { "how", "str" }, { "src", "int" },
  })

  t.compute_centers = build("compute_centers", facts.compute_centers, {
    { "place", "str" },
    { "level", "str", function(r) return ents[r.place].kind end },
    { "province", "str", function(r) return ents[r.place].province end },
    { "src", "int" },
  })

  local trows = {}
  for _, th in ipairs(facts.themes) do
    for _, c in ipairs(th.cities) do trows[#trows + 1] = { theme = th.theme, city = c, kind = th.kind, src = th.src } end
  end
  t.themes = build("themes", trows, { { "theme", "str" }, { "city", "str" }, { "kind", "str" }, { "src", "int" } })

  t.claims = build("claims", facts.claims, {
    { "id", "str" }, { "says", "str" }, { "test", "str", function(r) return r.test.kind end }, { "src", "int" },
  })
  return t
end

-- ---------------------------------------------------------------------------
-- the dataset in SQLite

data.table_names = { "sources", "entities", "aliases", "indicators", "metrics", "policies", "policy_mentions",
  "targets", "thresholds", "events", "event_entities", "platforms", "ties", "compute_centers", "themes", "claims" }

--- Writes every table of the dataset into db (modu.open() does this), plus a
-- trigram full-text index of the passages (search with db:search("passages", q)).
function data.load(db)
  local t = data.frames()
  db:transaction(function()
    for _, name in ipairs(data.table_names) do db:write(name, t[name], { if_exists = "replace" }) end
  end)
  db:create_fts("passages", t.sources, { columns = { "text" } })
  return db
end

--- The dataset's tables as frames, read back from db (so rows added with
-- db:add are included).
function data.tables(db)
  local t = {}
  for _, name in ipairs(data.table_names) do t[name] = db:read(name) end
  return t
end

--- The registry of every entity and its aliases (match keys, fuzzy matching).
function data.registry(t)
  local entities = require "modu.entities"
  local reg = entities.new()
  local names = {}
  for _, a in ipairs((t or data.frames()).aliases:to_rows()) do
    names[a.entity] = names[a.entity] or {}
    names[a.entity][a.lang] = names[a.entity][a.lang] or {}
    table.insert(names[a.entity][a.lang], a.alias)
  end
  for _, e in ipairs((t or data.frames()).entities:to_rows()) do
    reg:add(e.id, { kind = e.kind, names = names[e.id] or { en = { e.id } } })
  end
  return reg
end

-- The entity a name means, or nil and a message naming the nearest known ones.
local function resolve(reg, t, name)
  local id, _, _, cands = reg:resolve(name)
  if id then return id end
  local text = require "modu.text"
  if cands then
    local ids = {}
    for i, c in ipairs(cands) do ids[i] = c.id end
    return nil, ("'%s' is ambiguous: %s"):format(name, table.concat(ids, ", "))
  end
  local best = {}
  local key = text.key(name)
  for _, a in ipairs(t.aliases:to_rows()) do
    best[#best + 1] = { a.alias, a.entity, text.similarity(key, text.key(a.alias)) }
  end
  -- ties broken by alias, so the message does not depend on the table order
  table.sort(best, function(x, y)
    if x[3] ~= y[3] then return x[3] > y[3] end
    return x[1] < y[1]
  end)
  local near, seen = {}, {}
  for _, b in ipairs(best) do
    if not seen[b[2]] then
      seen[b[2]] = true
      near[#near + 1] = ("%s (%s)"):format(b[1], b[2])
    end
    if #near == 3 then break end
  end
  return nil, ("no entity is called '%s' (nearest: %s)"):format(name, table.concat(near, ", "))
end

local Profile = { __name = "modu.Profile" }
Profile.__index = Profile

function Profile:__tostring()
  local out = { ("== %s (%s)"):format(self.id, self.kind), "names: " .. table.concat(self.names, ", ") }
  local function part(title, df)
    if df and #df > 0 then
      out[#out + 1] = title
      out[#out + 1] = tostring(df)
    end
  end
  part("metrics", self.metrics and self.metrics:drop("passage"))
  part("market-value thresholds", self.thresholds)
  part("open innovation platform", self.platforms)
  part("ties", self.ties)
  part("policies", self.policies)
  part("events", self.events)
  part("compute centers", self.compute_centers)
  part("claims", self.claims)
  if #self.passages > 0 then
    out[#out + 1] = "sources"
    for _, p in ipairs(self.passages) do out[#out + 1] = ("  [%s] %s"):format(p[1], p[2]) end
  end
  return table.concat(out, "\n")
end

local function contains(list, id)
  for _, x in ipairs(list) do
    if x == id then return true end
  end
  return false
end

--- db:profile(name): everything the dataset says of one entity, as a card.
-- `name` is any alias in any language ("深圳", "Shenzhen", "HKUST Xunfei").
-- Fields: id, kind, names, metrics (with each figure's passage), thresholds,
-- platforms, ties, policies, events, compute_centers, claims (with their
-- verdicts) and passages ({ paragraph or "user", text }, each cited once).
function data.profile(db, name)
  if type(name) ~= "string" then error(("profile: name must be a string, got %s"):format(type(name)), 2) end
  local t = data.tables(db)
  local reg = data.registry(t)
  local id, err = resolve(reg, t, name)
  if not id then error("profile: " .. err, 2) end
  local e = t.entities:filter(t.entities.id:eq(id))
  local names = reg:aliases(id)
  local m = t.metrics:filter(t.metrics.entity:eq(id))
  local ties = t.ties:filter(t.ties.place:eq(id):bor(t.ties.party:eq(id)):bor(t.ties.with:eq(id)))
  local pol = t.policies:filter(t.policies.jurisdiction:eq(id))
  local evids = t.event_entities:filter(t.event_entities.entity:eq(id))
  local ev = t.events:filter(t.events.id:isin(evids.event))
  local cc = t.compute_centers:filter(t.compute_centers.place:eq(id):bor(t.compute_centers.province:eq(id)))
  local th = {}
  for i, c in ipairs(t.thresholds.companies:to_table()) do
    local ids = {}
    if c ~= NA then
      for x in c:gmatch("[^,%s]+") do ids[#ids + 1] = x end
    end
    th[i] = contains(ids, id)
  end
  local thr = t.thresholds:filter(modu.column(th, "bool"))
  local plat = t.platforms:filter(t.platforms.company:eq(id))
  local claims = data.check(t)
  local mine = {}
  for i, c in ipairs(facts.claims) do
    local hit = false
    for _, v in pairs(c.test) do
      if v == id or (type(v) == "table" and contains(v, id)) then hit = true end
    end
    mine[i] = hit
  end
  claims = claims:filter(modu.column(mine, "bool"))
  -- each figure's passage: the seed paragraph it cites, or the source a user gave
  local passages, cited, seen = {}, {}, {}
  local srcs, given = m.src:to_table(), m.source:to_table()
  for i = 1, #m do
    local p = srcs[i]
    passages[i] = p ~= NA and data.passage(p) or given[i]
  end
  local function cite(p, txt)
    if not seen[p] then
      seen[p] = true
      cited[#cited + 1] = { p, txt }
    end
  end
  for i = 1, #m do
    if srcs[i] ~= NA then cite(srcs[i], passages[i]) else cite("user", given[i]) end
  end
  for _, df in ipairs({ thr, plat, ties, pol, ev, cc }) do
    for _, p in ipairs(df.src:to_table()) do
      if p ~= NA then cite(p, data.passage(p)) end
    end
  end
  return setmetatable({
    id = id, kind = e.kind[1], names = names,
    metrics = m:select("indicator", "year", "value", "unit", "kind", "src")
      :mutate({ { "passage", modu.column(passages, "str") } }),
    thresholds = thr:select("what", "value", "unit", "note", "src"),
    platforms = plat:select("company", "domain", "src"),
    ties = ties:select("place", "party", "tie", "how", "src"),
    policies = pol:select("id", "kind", "published", "title_en", "src"),
    events = ev:select("date", "year", "month", "day", "what", "src"),
    compute_centers = cc, claims = claims:select("id", "verdict", "evidence"),
    passages = cited,
  }, Profile)
end

--- Units a metric may have.
data.units = { firms = true, CNY = true, USD = true, PFLOPS = true, people = true, percent = true, count = true }

local KINDS = { actual = true, target = true, forecast = true }

--- db:add("metrics", df): adds a user's figures after checking every row.
-- Columns: entity (any alias in any language; resolved to an id), indicator,
-- year (integer or NA), value, unit (one of data.units), kind (actual |
-- target | forecast) and source (who says so: required). A new indicator
-- needs a definition column (and optionally level, default "city"); it is
-- added to the indicators table. Nothing is written unless every row passes.
-- @treturn integer the number of rows added
function data.add(db, tbl, df)
  if tbl ~= "metrics" then error(("add: only 'metrics' takes new rows, got '%s'"):format(tostring(tbl)), 2) end
  if getmetatable(df) == nil or not pcall(df.names, df) then error("add: expected a modu.Frame of rows", 2) end
  local have = {}
  for _, n in ipairs(df:names()) do have[n] = true end
  for _, need in ipairs({ "entity", "indicator", "value", "unit", "kind", "source" }) do
    if not have[need] then error(("add: the rows have no '%s' column (need entity, indicator, year, value, unit, "
      .. "kind, source)"):format(need), 2) end
  end
  local t = data.tables(db)
  local reg = data.registry(t)
  local known = {}
  for _, r in ipairs(t.indicators:to_rows()) do known[r.indicator] = r end
  local units = {}
  for k in pairs(data.units) do units[#units + 1] = k end
  table.sort(units)
  local out, new_ind = {}, {}
  for i, r in ipairs(df:to_rows()) do
    local function bad(msg) error(("add: row %d: %s"):format(i, msg), 3) end
    if type(r.entity) ~= "string" then bad("entity must be a name") end
    local id, err = resolve(reg, t, r.entity)
    if not id then bad(err) end
    if type(r.source) ~= "string" or r.source:match("^%s*$") then bad("a source is required (who states this figure?)") end
    if type(r.indicator) ~= "string" or r.indicator == "" then bad("indicator must be a name") end
    if not data.units[r.unit] then
      bad(("unknown unit '%s' (units: %s)"):format(tostring(r.unit), table.concat(units, ", ")))
    end
    if not KINDS[r.kind] then bad(("kind must be actual, target or forecast, got '%s'"):format(tostring(r.kind))) end
    if type(r.value) ~= "number" or r.value ~= r.value or r.value == math.huge or r.value == -math.huge then
      bad(("value must be a finite number, got %s"):format(tostring(r.value)))
    end
    local year = r.year
    if year == nil then year = NA end
    if year ~= NA then
      year = math.type(year) == "float" and math.tointeger(year) or year
      if math.type(year) ~= "integer" then bad(("year must be an integer or NA, got %s"):format(tostring(r.year))) end
    end
    local ind = known[r.indicator] or new_ind[r.indicator]
    if ind and ind.unit ~= r.unit then bad(("indicator '%s' is in %s, not %s"):format(r.indicator, ind.unit, r.unit)) end
    if not ind then
      if type(r.definition) ~= "string" or r.definition == "" then
        bad(("'%s' is a new indicator: give it a definition column"):format(r.indicator))
      end
      ind = { indicator = r.indicator, unit = r.unit, level = type(r.level) == "string" and r.level or "city",
        definition = r.definition, src = NA }
      new_ind[r.indicator] = ind
      new_ind[#new_ind + 1] = ind
    end
    out[i] = { entity = id, indicator = r.indicator, year = year, year_note = NA, value = r.value + 0.0,
      unit = r.unit, level = ind.level, definition = ind.definition, kind = r.kind, approx = false, src = NA,
      source = r.source }
  end
  local function frame_like(proto, rows)
    local cols, types = {}, proto:types()
    for j, name in ipairs(proto:names()) do
      local v = {}
      for i, r in ipairs(rows) do
        local x = r[name]
        if x == nil then x = NA end
        v[i] = x
      end
      cols[j] = { name, modu.column(v, types[j]) }
    end
    return modu.frame(cols)
  end
  local metrics = frame_like(t.metrics, out)
  local indicators = #new_ind > 0 and frame_like(t.indicators, new_ind)
  db:transaction(function()
    db:write("metrics", metrics, { if_exists = "append" })
    if indicators then db:write("indicators", indicators, { if_exists = "append" }) end
  end)
  return #out
end

--- The article's checkable claims, evaluated on the data: a frame of id, says,
-- verdict (holds | contradicted | unverifiable), evidence, src and passage.
-- @param[opt] t the tables to check (default: data.frames())
function data.check(t)
  return require("modu.data.check").run(t or data.frames(), facts, data.passage)
end

return data
