--- The claims check: each of the article's checkable claims is an assertion over
-- the data (facts.lua); here it is evaluated by computation, never looked up.
-- @module modu.data.check
local core = require "modu.core"
local stats = require "modu.stats"

local NA = core.NA
local check = {}

local function fmt(v)
  if v == NA or v == nil then return "NA" end
  if math.type(v) == "float" and v == math.floor(v) and math.abs(v) < 1e15 then return ("%.0f"):format(v) end
  if math.type(v) == "float" then return ("%.4g"):format(v) end
  return tostring(v)
end

-- rows of a frame as Lua tables, filtered by a predicate on the row
local function rows(df, pred)
  local out = {}
  for _, r in ipairs(df:to_rows()) do
    if not pred or pred(r) then out[#out + 1] = r end
  end
  return out
end

-- the value of the first matching metric (and its row), or NA
local function value_of(t, indicator, entity, year)
  local r = rows(t.metrics, function(m)
    return m.indicator == indicator and m.entity == entity and (year == nil or m.year == year)
  end)[1]
  if r then return r.value, r end
  return NA
end

local function event_date(t, id)
  local r = rows(t.events, function(e) return e.id == id end)[1]
  if r then return r.date, r end
  return NA
end

local evaluate = {}

function evaluate.leader(t, test)
  local ms = t.metrics:filter(t.metrics.indicator:eq(test.indicator):band(t.metrics.year:eq(test.year)))
    :sort({ "value", desc = true })
  if #ms == 0 then return "unverifiable", "no values for that year" end
  local parts = {}
  for i = 1, #ms do parts[i] = ("%s %s"):format(ms.entity[i], fmt(ms.value[i])) end
  local ev = table.concat(parts, " > ")
  return ms.entity[1] == test.expected and "holds" or "contradicted", ev
end

function evaluate.greater(t, test)
  local v = value_of(t, test.indicator, test.entity)
  if v == NA then return "unverifiable", test.entity .. " has no value" end
  local parts, ok = { ("%s %s"):format(test.entity, fmt(v)) }, true
  for _, other in ipairs(test.than) do
    local w = value_of(t, test.indicator, other)
    if w == NA then return "unverifiable", other .. " has no value" end
    parts[#parts + 1] = ("%s %s"):format(other, fmt(w))
    ok = ok and v > w
  end
  return ok and "holds" or "contradicted", table.concat(parts, "; ")
end

function evaluate.difference(t, test)
  local v0 = value_of(t, test.indicator, test.entity, test.from)
  local v1 = value_of(t, test.indicator, test.entity, test.to)
  local claimed = value_of(t, test.expected_indicator, test.entity, test.expected_year)
  if v0 == NA or v1 == NA or claimed == NA then return "unverifiable", "a value is missing" end
  local diff = v1 - v0
  local ev = ("%d %s − %d %s = %s; the article says %s"):format(test.to, fmt(v1), test.from, fmt(v0), fmt(diff),
    fmt(claimed))
  return diff == claimed and "holds" or "contradicted", ev
end

function evaluate.crossing_within(t, test)
  local function series(entity)
    local out = {}
    for _, r in ipairs(rows(t.metrics, function(r)
      return r.indicator == test.indicator and r.entity == entity and r.year ~= NA
    end)) do
      out[r.year] = r.value
    end
    return out
  end
  local a, b = series(test.a), series(test.b)
  local years = {}
  for y in pairs(a) do
    if b[y] then years[#years + 1] = y end
  end
  table.sort(years)
  if #years < 2 then return "unverifiable", "fewer than two years with both values" end
  local ta, va, vb = {}, {}, {}
  for i, y in ipairs(years) do ta[i], va[i], vb[i] = y, a[y], b[y] end
  local lin = stats.crossing(ta, va, vb, { method = "linear", labels = { test.a, test.b } })
  local log = stats.crossing(ta, va, vb, { method = "log", labels = { test.a, test.b } })
  if lin.kind ~= "interpolated" then return "contradicted", tostring(lin) end
  local start, stop = lin.before.t, lin.after.t
  local ev = ("observed: %s behind in %d, ahead in %d (%d years apart); interpolated crossing %.1f (linear) or "
    .. "%.1f (constant growth), i.e. %.1f–%.1f years after %d"):format(test.a, start, stop, stop - start, lin.time,
    log.time, lin.time - start, log.time - start, start)
  -- only observations can settle it: ahead at or before start + years holds,
  -- still behind after it contradicts; between them the data cannot tell
  if stop - start <= test.years then return "holds", ev end
  for i, y in ipairs(ta) do
    if y > start + test.years and va[i] < vb[i] then return "contradicted", ev end
  end
  return "unverifiable", ev .. ("; no observation between %d and %d decides whether it took %d years or more"):format(
    start, stop, test.years)
end

function evaluate.count_cities(t, test)
  local places = rows(t[test.table])
  local cities, provinces = {}, {}
  for _, r in ipairs(places) do
    if r.level == "city" then cities[#cities + 1] = r.place else provinces[#provinces + 1] = r.place end
  end
  local ev = ("the list names %d places: %d cities (%s) and %d provinces (%s); the article says %d cities"):format(
    #places, #cities, table.concat(cities, ", "), #provinces, table.concat(provinces, ", "), test.expected)
  return #cities == test.expected and "holds" or "contradicted", ev
end

-- "three other platforms": the rows of a table other than one named entity
function evaluate.count_others(t, test)
  local all = rows(t[test.table])
  local others, names = {}, {}
  for _, r in ipairs(all) do
    names[#names + 1] = r[test.column]
    if r[test.column] ~= test.except then others[#others + 1] = r[test.column] end
  end
  local ev = ("%d %s named (%s); %d besides %s (%s); the article says %d"):format(#all, test.table,
    table.concat(names, ", "), #others, test.except, table.concat(others, ", "), test.expected)
  return #others == test.expected and "holds" or "contradicted", ev
end

function evaluate.interval(t, test)
  local d0, e0 = event_date(t, test.from)
  local d1, e1 = event_date(t, test.to)
  if e1 and e1.after == test.from then
    return "unverifiable", ("%s is dated only by this very claim (%s); no independent date exists"):format(test.to,
      e1.year_note ~= NA and e1.year_note or "relative date")
  end
  if d0 == NA or d1 == NA then
    local missing = d0 == NA and e0 or e1
    return "unverifiable", ("%s has no date of its own (%s)"):format(missing and missing.id or "an event",
      missing and missing.year_note ~= NA and missing.year_note or "not stated")
  end
  local days = d1 - d0
  local ev = ("%s to %s: %d days (%.1f months)"):format(tostring(d0), tostring(d1), days, days / 30.44)
  local ok
  if test.op == ">" then ok = days > test.days
  elseif test.op == "=" then ok = days == test.days
  else ok = math.abs(days - test.days) <= test.tolerance * test.days end
  return ok and "holds" or "contradicted", ev .. ("; the claim implies %s%s days"):format(
    test.op == "~" and "about " or test.op == ">" and "more than " or "", fmt(test.days))
end

function evaluate.no_champion(t, test)
  local function champions(place)
    local out = {}
    for _, r in ipairs(rows(t.ties, function(r) return r.place == place and r.tie == "champion" end)) do
      out[#out + 1] = r.party
    end
    return out
  end
  local own = champions(test.place)
  local parts, others_ok = {}, true
  for _, p in ipairs(test.others) do
    local c = champions(p)
    others_ok = others_ok and #c > 0
    parts[#parts + 1] = ("%s: %s"):format(p, #c > 0 and table.concat(c, ", ") or "none")
  end
  local ev = ("%s: %s; %s"):format(test.place, #own > 0 and table.concat(own, ", ") or "no champion company",
    table.concat(parts, "; "))
  return (#own == 0 and others_ok) and "holds" or "contradicted", ev
end

function evaluate.unverifiable(_, test)
  return "unverifiable", test.why
end

--- Evaluates every claim against the tables `t` (as from modu.data.frames()).
-- @treturn modu.Frame id, says, verdict (holds | contradicted | unverifiable),
-- evidence (the computed numbers), src and the passage
function check.run(t, facts, passage)
  local ids, says, verdicts, evidence, srcs, passages = {}, {}, {}, {}, {}, {}
  for i, c in ipairs(facts.claims) do
    local fn = evaluate[c.test.kind]
    if not fn then error(("check: claim %s has an unknown test kind '%s'"):format(c.id, c.test.kind)) end
    local verdict, ev = fn(t, c.test)
    ids[i], says[i], verdicts[i], evidence[i], srcs[i], passages[i] = c.id, c.says, verdict, ev, c.src, passage(c.src)
  end
  return core.frame({
    { "id", core.column(ids, "str") }, { "says", core.column(says, "str") },
    { "verdict", core.column(verdicts, "str") }, { "evidence", core.column(evidence, "str") },
    { "src", core.column(srcs, "int") }, { "passage", core.column(passages, "str") },
  })
end

return check
