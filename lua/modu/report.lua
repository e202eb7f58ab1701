--- The analyses of the battle for Modu, and the report that puts them together.
-- Each analysis is a function of frames, so it works on the embedded tables,
-- on tables read back from a database, or on a user's own data of that shape.
-- @module modu.report
local core = require "modu.core"
local stats = require "modu.stats"
local index = require "modu.index"
local text = require "modu.text"
local plot = require "modu.plot"

local NA = core.NA
local R = {}

local fmt = plot.format_number

-- yuan in billions, as the article states them ("382,1 miliar yuan")
local function yuan(x)
  if x == NA or x == nil then return "NA" end
  return ("%s billion yuan"):format(fmt(x / 1e9))
end

local function pct(x)
  if x == NA or x == nil or x ~= x then return "NA" end
  return ("%.1f%%"):format(x * 100)
end

-- ---------------------------------------------------------------------------
-- analyses

--- Values of one indicator (and year, if given) by entity, largest first,
-- with their rank. Rows whose value is NA are left out.
-- @tparam modu.Frame metrics long-form metrics (entity, indicator, year, value, ...)
function R.leaderboard(metrics, indicator, year)
  local m = metrics:filter(metrics.indicator:eq(indicator))
  if year ~= nil then m = m:filter(m.year:eq(year)) end
  m = m:filter(m.value:is_na():bnot()):sort({ "value", desc = true })
  return m:select("entity", "year", "value", "unit", "kind"):mutate({ { "rank", "rank(-value, 'min')" } })
end

--- Change of one indicator per entity between its first and last observed
-- years: both values, the change, the growth over the period and its CAGR.
function R.growth(metrics, indicator)
  local m = metrics:filter(metrics.indicator:eq(indicator):band(metrics.year:is_na():bnot()))
  local g = m:sort("entity", "year"):group_by("entity")
  local w = g:agg({ { "from", "first(year)" }, { "to", "last(year)" }, { "v0", "first(value)" },
    { "v1", "last(value)" }, { "n", "count()" } })
  w = w:filter(w.n:ge(2))
  local cagr = {}
  for i, r in ipairs(w:to_rows()) do cagr[i] = stats.cagr(r.v0, r.v1, r.to - r.from) end
  return w:mutate({ { "change", "v1 - v0" }, { "growth", "v1 / v0 - 1" }, { "cagr", core.column(cagr, "float") } })
    :drop("n"):sort({ "cagr", desc = true })
end

--- When entity a overtook entity b on an indicator, interpolated linearly and
-- at constant growth rates; each result states its assumption.
function R.crossing(metrics, indicator, a, b)
  local function series(e)
    local s = metrics:filter(metrics.indicator:eq(indicator):band(metrics.entity:eq(e))
      :band(metrics.year:is_na():bnot())):sort("year")
    return s
  end
  local sa, sb = series(a), series(b)
  local years, va, vb = {}, {}, {}
  local bv = {}
  for _, r in ipairs(sb:to_rows()) do bv[r.year] = r.value end
  for _, r in ipairs(sa:to_rows()) do
    if bv[r.year] then years[#years + 1], va[#va + 1], vb[#vb + 1] = r.year, r.value, bv[r.year] end
  end
  return {
    linear = stats.crossing(years, va, vb, { method = "linear", labels = { a, b } }),
    log = stats.crossing(years, va, vb, { method = "log", labels = { a, b } }),
  }
end

--- Shares of an indicator among the entities that have it, with the HHI
-- (sum of squared shares, 1 = one entity has all) and its normalised form.
function R.shares(metrics, indicator, year)
  local m = R.leaderboard(metrics, indicator, year)
  local sh = stats.shares(m.value)
  local h, hn = stats.hhi(m.value)
  return m:select("entity", "value"):mutate({ { "share", sh } }), h, hn
end

--- Which place has which champion company, and the places named in the
-- article that have none.
function R.champions(ties, entities)
  local c = ties:filter(ties.tie:eq("champion"))
  local per = c:group_by("place"):agg({ { "champions", "count()" } })
  -- the places the article speaks of in these terms: a champion, or expressly none
  local spoken = ties:filter(ties.tie:isin({ "champion", "research institution" })):distinct("place")
  local places = entities:filter(entities.kind:isin({ "city", "province" }):band(entities.id:isin(spoken.place)))
    :select("id", "name_en", "name_zh")
  local j = places:join(per, { on = { left = "id", right = "place" }, how = "left" })
  j = j:mutate({ { "champions", "coalesce(champions, 0)" } }):sort({ "champions", desc = true }, "id")
  local names = {}
  for i, r in ipairs(j:to_rows()) do
    local list = {}
    for _, t in ipairs(c:filter(c.place:eq(r.id)):to_rows()) do list[#list + 1] = t.party end
    names[i] = #list > 0 and table.concat(list, ", ") or NA
  end
  return j:mutate({ { "companies", core.column(names, "str") } })
end

--- Dated events in order (undated ones last, with what the article says of
-- their date).
function R.timeline(events)
  return events:sort("date", "year", "month"):select("date", "year", "month", "day", "precision", "what", "src")
end

--- The compute-center list by level and province.
function R.compute_map(centers)
  return centers:mutate({ { "province_or_self", "coalesce(province, place)" } }):select("place", "level",
    "province_or_self", "src")
end

--- The wide city table the Modu index is built on: one row per city (an
-- entity of kind "city") that has a metric or a champion company, one column
-- per indicator (NA where the data is silent). Cities a user adds with
-- db:add enter it like the article's own. Rows are in id order.
function R.index_table(t)
  local kind = {}
  for _, e in ipairs(t.entities:to_rows()) do kind[e.id] = e.kind end
  local champ = t.ties:filter(t.ties.tie:eq("champion"))
  local seen, cities = {}, {}
  local function consider(id)
    if kind[id] == "city" and not seen[id] then seen[id], cities[#cities + 1] = true, id end
  end
  for _, id in ipairs(t.metrics.entity:to_table()) do consider(id) end
  for _, id in ipairs(champ.place:to_table()) do consider(id) end
  table.sort(cities)
  local spoken = {}
  for _, r in ipairs(t.ties:filter(t.ties.tie:isin({ "champion", "research institution" })):to_rows()) do
    spoken[r.place] = true
  end
  local m = t.metrics
  local function val(ind, ent, yr)
    local f = m:filter(m.indicator:eq(ind):band(m.entity:eq(ent)))
    if yr then f = f:filter(f.year:eq(yr)) end
    return #f > 0 and f.value[1] or NA
  end
  local f16, f23, gr, out, ch = {}, {}, {}, {}, {}
  for i, c in ipairs(cities) do
    f16[i], f23[i] = val("ai_related_enterprises", c, 2016), val("ai_related_enterprises", c, 2023)
    gr[i] = (f16[i] ~= NA and f23[i] ~= NA) and stats.cagr(f16[i], f23[i], 2023 - 2016) or NA
    out[i] = val("ai_industry_output", c)
    -- p33 names each compared city's large companies (Shanghai: none); of a
    -- city the article does not discuss in these terms it says nothing (NA)
    ch[i] = spoken[c] and #champ:filter(champ.place:eq(c)) or NA
  end
  return core.frame({ { "city", core.column(cities, "str") }, { "firms_2016", core.column(f16, "float") },
    { "firms_2023", core.column(f23, "float") }, { "firms_cagr", core.column(gr, "float") },
    { "output", core.column(out, "float") }, { "champions", core.column(ch, "float") } })
end

R.index_indicators = {
  { name = "firms_2016", direction = 1, weight = 1 },
  { name = "firms_2023", direction = 1, weight = 1 },
  { name = "firms_cagr", direction = 1, weight = 1 },
  { name = "output", direction = 1, weight = 1 },
  { name = "champions", direction = 1, weight = 1 },
}

--- The Modu index: min-max normalised, arithmetic mean, equal weights,
-- ranked when a city has at least 3 of the 5 indicators (min_coverage 0.6:
-- Shanghai has no 2023 count in the article, and the stricter 2/3 would
-- leave the third contender out), with a sensitivity analysis over weights
-- (flat Dirichlet), normalisations and aggregations.
function R.modu_index(t, opts)
  opts = opts or {}
  local wide = opts.table or R.index_table(t)
  local idx = index.build({ data = wide, unit = "city", indicators = opts.indicators or R.index_indicators,
    normalize = "minmax", aggregate = "arithmetic", missing = "exclude", min_coverage = opts.min_coverage or 0.6 })
  local sens = idx:sensitivity({ draws = opts.draws or 1000, weights = "dirichlet",
    normalize = { "minmax", "rank", "distance_to_leader" }, aggregate = { "arithmetic", "geometric" },
    seed = opts.seed or 1 })
  return idx, sens, wide
end

-- ---------------------------------------------------------------------------
-- the report

local function md_table(df, cols)
  cols = cols or df:names()
  local out = { "| " .. table.concat(cols, " | ") .. " |", "|" .. string.rep(" --- |", #cols) }
  for _, r in ipairs(df:to_rows()) do
    local cells = {}
    for j, c in ipairs(cols) do
      local v = r[c]
      cells[j] = (type(v) == "number" and fmt(v) or tostring(v)):gsub("|", "\\|"):gsub("\n", " ")
    end
    out[#out + 1] = "| " .. table.concat(cells, " | ") .. " |"
  end
  return table.concat(out, "\n")
end

local function html_table(df, cols)
  local esc = plot.xml_escape
  cols = cols or df:names()
  local out = { "<table>", "<tr>" }
  for _, c in ipairs(cols) do out[#out + 1] = "<th>" .. esc(c) .. "</th>" end
  out[#out + 1] = "</tr>"
  for _, r in ipairs(df:to_rows()) do
    out[#out + 1] = "<tr>"
    for _, c in ipairs(cols) do
      local v = r[c]
      local cls = type(v) == "number" and ' class="num"' or ""
      out[#out + 1] = ("<td%s>%s</td>"):format(cls, esc(type(v) == "number" and fmt(v) or tostring(v)))
    end
    out[#out + 1] = "</tr>"
  end
  out[#out + 1] = "</table>"
  return table.concat(out, "\n")
end

--- Everything the report says, computed once: a table of named parts.
function R.compute(t, check)
  local r = { t = t }
  r.firms_2016 = R.leaderboard(t.metrics, "ai_related_enterprises", 2016)
  r.firms_2023 = R.leaderboard(t.metrics, "ai_related_enterprises", 2023)
  r.output, r.hhi, r.hhi_norm = R.shares(t.metrics, "ai_industry_output")
  r.growth = R.growth(t.metrics, "ai_related_enterprises")
  r.national = R.growth(t.metrics, "core_ai_industry_scale")
  r.crossing = R.crossing(t.metrics, "ai_related_enterprises", "shenzhen", "beijing")
  r.champions = R.champions(t.ties, t.entities)
  r.timeline = R.timeline(t.events)
  r.compute = R.compute_map(t.compute_centers)
  r.draws = 1000
  r.index, r.sensitivity, r.index_table = R.modu_index(t, { draws = r.draws })
  r.claims = check
  return r
end

-- the sections as { title, intro, { kind = "frame"|"text"|"bars"|"svg", ... } }
local function sections(r)
  local s = {}
  local e16, e23 = r.firms_2016, r.firms_2023
  local names = {}
  for _, e in ipairs(r.t.entities:to_rows()) do names[e.id] = e.name_en ~= NA and e.name_en or e.id end
  local function name(id) return names[id] or tostring(id) end
  local function list(ids)
    local out = {}
    for i, id in ipairs(ids) do out[i] = name(id) end
    return table.concat(out, ", ")
  end
  -- cities counted in 2016 but not in 2023: the article is silent on them
  local in23, silent = {}, {}
  for _, id in ipairs(e23.entity:to_table()) do in23[id] = true end
  for _, id in ipairs(e16.entity:to_table()) do
    if not in23[id] then silent[#silent + 1] = id end
  end
  local lead = {}
  if #e23 > 0 then
    lead[#lead + 1] = ("By the count of AI-related enterprises %s leads in 2023 (%s firms%s%s)."):format(
      name(e23.entity[1]), fmt(e23.value[1]),
      #e23 > 1 and (" against %s's %s"):format(name(e23.entity[2]), fmt(e23.value[2])) or "",
      #silent > 0 and ("; no 2023 count for " .. list(silent)) or "")
  end
  if #r.output > 0 then
    lead[#lead + 1] = ("By AI-related output value %s leads (%s, %s of the %d cities' total)."):format(
      name(r.output.entity[1]), yuan(r.output.value[1]), pct(r.output.share[1]), #r.output)
  end
  if #r.champions > 0 then
    lead[#lead + 1] = ("By champion companies %s leads (%s)."):format(name(r.champions.id[1]),
      tostring(r.champions.companies[1]))
  end
  if #r.sensitivity > 0 and r.sensitivity.rank[1] ~= NA then
    lead[#lead + 1] = ("In the composite Modu index %s ranks first, and first in %s of %d weightings."):format(
      name(r.sensitivity.city[1]), pct(r.sensitivity.p_first[1]), r.draws)
  end
  s[#s + 1] = { "Who is winning, by which measure", table.concat(lead, " "), {} }
  s[#s + 1] = { "AI-related enterprises, 2016 and 2023",
    "Counts of AI-related enterprises (not core AI enterprises) as the article gives them.",
    { { kind = "frame", df = e16, title = "2016" }, { kind = "frame", df = e23, title = "2023" },
      { kind = "svg", svg = function()
        -- every entity counted in either year, in the 2016 order, then the new ones of 2023
        local labels, seen = {}, {}
        for _, df in ipairs({ e16, e23 }) do
          for _, id in ipairs(df.entity:to_table()) do
            if not seen[id] then seen[id], labels[#labels + 1] = true, id end
          end
        end
        local function vals(df)
          local v = {}
          for i, l in ipairs(labels) do
            local f = df:filter(df.entity:eq(l))
            v[i] = #f > 0 and f.value[1] or NA
          end
          return v
        end
        return plot.svg_bars({ title = "AI-related enterprises per city", labels = labels,
          series = { { "2016", vals(e16) }, { "2023", vals(e23) } } })
      end, bars = function()
        return plot.bars(e23.entity:to_table(), e23.value:to_table())
      end } } }
  local function growth_of(id)
    local g = r.growth:filter(r.growth.entity:eq(id))
    if #g == 0 then return nil end
    return g:row(1)
  end
  local gtext = {}
  for _, g in ipairs(r.growth:to_rows()) do
    gtext[#gtext + 1] = ("%s %+.0f (%s over %d years, CAGR %s)"):format(name(g.entity), g.change, pct(g.growth),
      g.to - g.from, pct(g.cagr))
  end
  local sz = growth_of("shenzhen")
  local added = r.t.metrics:filter(r.t.metrics.indicator:eq("ai_related_enterprises_added")
    :band(r.t.metrics.entity:eq("shenzhen")))
  local note = ""
  if sz and #added > 0 then
    note = (" The article's own addition of %s for Shenzhen does not match its counts: %s − %s = %s."):format(
      fmt(added.value[1]), fmt(sz.v1), fmt(sz.v0), fmt(sz.change))
  end
  s[#s + 1] = { "Growth 2016–2023", "Change per city between its first and last counted year: "
    .. table.concat(gtext, "; ") .. "." .. note, { { kind = "frame", df = r.growth } } }
  local lin, log = r.crossing.linear, r.crossing.log
  local ctext
  if lin.kind == "interpolated" then
    ctext = ("Interpolated linearly, Shenzhen passes Beijing at %.1f; at constant growth rates, at %.1f. Both rest "
      .. "on the two observations around the crossing, %s and %s (%s years apart), so the article's \"within 6 "
      .. "years\" can be neither confirmed nor refuted by them. Assumptions: %s; %s."):format(lin.time, log.time,
      fmt(lin.before.t), fmt(lin.after.t), fmt(lin.after.t - lin.before.t), lin.assumption, log.assumption)
  else
    ctext = ("Linear: %s. Constant growth: %s."):format(tostring(lin), tostring(log))
  end
  s[#s + 1] = { "When Shenzhen overtook Beijing", ctext, {} }
  s[#s + 1] = { "Output value and concentration",
    ("Shares of the %d cities' AI-related output value (year not given in the article). HHI %.3f "
      .. "(normalised %.3f)."):format(#r.output, r.hhi, r.hhi_norm),
    { { kind = "frame", df = r.output }, { kind = "svg", svg = function()
        return plot.svg_bars({ title = "AI-related output value (yuan)", labels = r.output.entity:to_table(),
          series = { { "output value", r.output.value:to_table() } } })
      end, bars = function()
        return plot.bars(r.output.entity:to_table(), r.output.value:to_table(), { unit = "yuan" })
      end } } }
  s[#s + 1] = { "Cities and their champions", "Champion companies per place as the article ties them (p18, p33).",
    { { kind = "frame", df = r.champions:select("id", "name_zh", "champions", "companies") } } }
  s[#s + 1] = { "Policy and event timeline",
    "Dated events in order; events the article dates without a year come last.",
    { { kind = "frame", df = r.timeline }, { kind = "svg", svg = function()
        local ev = {}
        for _, row in ipairs(r.timeline:to_rows()) do
          if row.date ~= NA then ev[#ev + 1] = { date = row.date, label = row.what } end
        end
        return plot.svg_timeline({ title = "Dated events", events = ev })
      end } } }
  s[#s + 1] = { "Compute centers, July–August",
    "The places the article lists; it says \"9 cities\" but names 8 places, two of them provinces.",
    { { kind = "frame", df = r.compute } } }
  s[#s + 1] = { "The Modu index",
    "Five indicators per city (enterprises 2016 and 2023, their CAGR, output value, champion count), min-max "
      .. "normalised and averaged with equal weights; cities with fewer than 3 of the 5 are not ranked.",
    { { kind = "frame", df = r.index_table }, { kind = "frame", df = r.index:frame() },
      { kind = "text",
        text = #r.index.unranked > 0 and ("not ranked: " .. table.concat(r.index.unranked, ", ")) or "" } } }
  s[#s + 1] = { "How sure: rank uncertainty",
    fmt(r.draws) .. " draws of weights (flat Dirichlet), normalisation (min-max, rank, distance to the leader) "
      .. "and aggregation (arithmetic, geometric), seed 1: the median rank, the 5–95 % interval and the chance of "
      .. "first place.",
    { { kind = "frame", df = r.sensitivity }, { kind = "svg", svg = function()
        local sv = r.sensitivity:filter(r.sensitivity.rank:is_na():bnot())
        return plot.svg_intervals({ title = "Modu index: rank intervals (5-95 %)", labels = sv.city:to_table(),
          lo = sv.rank_p05:to_table(), mid = sv.median_rank:to_table(), hi = sv.rank_p95:to_table(), max = #sv })
      end } } }
  if r.claims then
    -- the terminal cuts long cells: there the evidence follows the table in full
    local notes = {}
    for _, c in ipairs(r.claims:to_rows()) do notes[#notes + 1] = ("%s: %s"):format(c.id, c.evidence) end
    s[#s + 1] = { "What the article claims, checked", "Each claim evaluated on the data by computation.",
      { { kind = "frame", df = r.claims:select("id", "verdict", "evidence") },
        { kind = "notes", lines = notes } } }
  end
  s[#s + 1] = { "What the data cannot tell",
    "One source (one article, itself citing others); counts of AI-related enterprises, not core AI firms; output "
      .. "values without a year; no 2023 count for Shanghai; no area or population (so no density); events in "
      .. "August and July without a year; an incomplete compute-center list; market-value thresholds (p17) with no "
      .. "currency and no saying which company passed which; and figures the article gives only in words (\"tens "
      .. "or hundreds of billions\", \"millions of jobs\", derivative industries worth \"trillions\"), which "
      .. "are not stored.", {} }
  return s
end

--- The report for the terminal: text, aligned tables and bar charts.
function R.text(r)
  local out = { "The battle for Modu (模都): who is winning, by which measure, and how sure we can be", "" }
  for _, sec in ipairs(sections(r)) do
    out[#out + 1] = "== " .. sec[1]
    out[#out + 1] = sec[2]
    for _, part in ipairs(sec[3]) do
      if part.kind == "frame" then
        if part.title then out[#out + 1] = part.title end
        out[#out + 1] = tostring(part.df)
      elseif part.kind == "text" and part.text ~= "" then
        out[#out + 1] = part.text
      elseif part.kind == "notes" then
        for _, l in ipairs(part.lines) do out[#out + 1] = "  " .. l end
      elseif part.bars then
        out[#out + 1] = part.bars()
      end
    end
    out[#out + 1] = ""
  end
  return table.concat(out, "\n")
end

--- The report as Markdown (tables as pipe tables; charts only in HTML).
function R.markdown(r)
  local out = { "# The battle for Modu (模都)", "", "Who is winning, by which measure, and how sure we can be.", "" }
  for _, sec in ipairs(sections(r)) do
    out[#out + 1] = "## " .. sec[1]
    out[#out + 1] = ""
    out[#out + 1] = sec[2]
    out[#out + 1] = ""
    for _, part in ipairs(sec[3]) do
      if part.kind == "frame" then
        if part.title then out[#out + 1] = "**" .. part.title .. "**\n" end
        out[#out + 1] = md_table(part.df)
        out[#out + 1] = ""
      elseif part.kind == "text" and part.text ~= "" then
        out[#out + 1] = part.text
        out[#out + 1] = ""
      end
    end
  end
  return table.concat(out, "\n")
end

--- The report as one self-contained HTML page with inline SVG charts.
function R.html(r)
  local esc = plot.xml_escape
  local out = { "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8"/>',
    "<title>The battle for Modu</title>",
    "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em}"
      .. "table{border-collapse:collapse;margin:0.5em 0}td,th{border:1px solid #ccc;padding:2px 6px}"
      .. "td.num{text-align:right}svg{display:block;margin:1em 0}</style>",
    "</head>", "<body>", "<h1>The battle for Modu (模都)</h1>",
    "<p>Who is winning, by which measure, and how sure we can be.</p>" }
  for _, sec in ipairs(sections(r)) do
    out[#out + 1] = "<h2>" .. esc(sec[1]) .. "</h2>"
    out[#out + 1] = "<p>" .. esc(sec[2]) .. "</p>"
    for _, part in ipairs(sec[3]) do
      if part.kind == "frame" then
        if part.title then out[#out + 1] = "<h3>" .. esc(part.title) .. "</h3>" end
        out[#out + 1] = html_table(part.df)
      elseif part.kind == "text" and part.text ~= "" then
        out[#out + 1] = "<p>" .. esc(part.text) .. "</p>"
      end
      if part.svg then out[#out + 1] = part.svg() end
    end
  end
  out[#out + 1] = "</body>"
  out[#out + 1] = "</html>"
  return table.concat(out, "\n")
end

R.md_table, R.html_table = md_table, html_table
R.width = text.width
return R
