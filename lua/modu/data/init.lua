--- The embedded dataset: the seed article's facts as typed frames.
-- Every row names the paragraph that states it (`src`); a record without one,
-- or citing a paragraph that is not stored, is refused when the frames are built.
-- @module modu.data
local modu = require "modu"
local facts = require "modu.data.facts"
local sources = require "modu.data.sources"

local NA = modu.NA
local data = { facts = facts, sources = sources }

local function opt(v)
  if v == nil then return NA end
  return v
end

local function check_src(tbl, i, rec)
  local src = rec.src
  if math.type(src) ~= "integer" or not sources.paragraphs[src] then
    error(("modu.data: %s record %d has no source paragraph (src = %s); every fact cites the passage that "
      .. "states it"):format(tbl, i, tostring(src)), 3)
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
      local v = s[3] and s[3](rec) or rec[s[1]]
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

local function first(list)
  return list and list[1] or nil
end

--- All tables of the dataset as frames, keyed by table name.
-- sources, entities, aliases, indicators, metrics, policies, targets, events,
-- event_entities, platforms, ties, compute_centers, themes, claims.
function data.frames()
  local ents = entity_index()
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
  })

  t.policies = build("policies", facts.policies, {
    { "id", "str" }, { "kind", "str" }, { "jurisdiction", "str" }, { "title_en", "str" }, { "title_id", "str" },
    { "published", "date", function(r) return r.published and modu.date(r.published) end },
    { "period_from", "int" }, { "period_to", "int" }, { "src", "int" },
  })

  t.targets = build("targets", facts.targets, {
    { "policy", "str" }, { "year", "int" }, { "what", "str" }, { "count", "int" }, { "threshold", "float" },
    { "unit", "str" }, { "comparator", "str" }, { "src", "int" },
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

return data
