--- Charts: bars for the terminal, and self-contained SVG (bars, grouped bars,
-- intervals, a timeline) for HTML reports. No network, no dependencies.
-- @module modu.plot
local modu = require "modu.core"
local text = require "modu.text"

local plot = {}

local width = text.width

local function pad(s, w)
  return s .. string.rep(" ", math.max(0, w - width(s)))
end

local function fmt_num(v)
  if v == modu.NA or v == nil then return "NA" end
  if math.type(v) == "integer" then return tostring(v) end
  if v == math.floor(v) and math.abs(v) < 1e15 then return string.format("%.0f", v) end
  return string.format("%.4g", v)
end
plot.format_number = fmt_num

local BLOCKS = { "▏", "▎", "▍", "▌", "▋", "▊", "▉", "█" }

local function bar(len_eighths)
  local full = len_eighths // 8
  local rest = len_eighths % 8
  return string.rep("█", full) .. (rest > 0 and BLOCKS[rest] or "")
end

--- Horizontal bars in the terminal: one line per label, aligned by display
-- width (Chinese labels count 2 columns), the value printed after the bar.
-- @tparam {string,...} labels
-- @tparam {number,...} values (NA allowed: no bar)
-- @tparam[opt] table opts width (bar columns, 40), unit (text after values)
function plot.bars(labels, values, opts)
  opts = opts or {}
  local w = opts.width or 40
  local lw, max = 0, 0
  for i, l in ipairs(labels) do
    lw = math.max(lw, width(l))
    local v = values[i]
    if v ~= nil and v ~= modu.NA and v > max then max = v end
  end
  local out = {}
  for i, l in ipairs(labels) do
    local v = values[i]
    local b = ""
    if v ~= nil and v ~= modu.NA and max > 0 and v > 0 then b = bar(math.floor(v / max * w * 8 + 0.5)) end
    out[i] = pad(l, lw) .. "  " .. pad(b, w) .. "  " .. fmt_num(v) .. (opts.unit and (" " .. opts.unit) or "")
  end
  return table.concat(out, "\n")
end

-- ---- SVG ----

local function esc(s)
  return (tostring(s):gsub("[&<>\"']", { ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;", ['"'] = "&quot;",
    ["'"] = "&#39;" }))
end
plot.xml_escape = esc

local function add(out, fmt, ...)
  out[#out + 1] = fmt:format(...)
end

local PALETTE = { "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948" }

local function svg_open(w, h, title)
  return {
    ('<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" role="img" '
      .. 'font-family="sans-serif" font-size="12">'):format(w, h, w, h),
    ("<title>%s</title>"):format(esc(title)),
    ('<text x="%d" y="18" font-size="14" font-weight="bold">%s</text>'):format(8, esc(title)),
  }
end

--- Grouped horizontal bars: series = { { name, values }, ... } over labels.
function plot.svg_bars(spec)
  local labels, series = spec.labels, spec.series
  local rowh, barh = 14 * #series + 10, 12
  local left, right, top = spec.label_width or 110, 90, 40
  local w = spec.width or 640
  local h = top + rowh * #labels + 20 + 16 * #series
  local max = 0
  for _, s in ipairs(series) do
    for i = 1, #labels do
      local v = s[2][i]
      if v ~= nil and v ~= modu.NA and v > max then max = v end
    end
  end
  local out = svg_open(w, h, spec.title)
  local plotw = w - left - right
  for i, l in ipairs(labels) do
    local y0 = top + (i - 1) * rowh
    add(out, '<text x="%d" y="%d" text-anchor="end">%s</text>', left - 6, y0 + rowh / 2 + 4, esc(l))
    for j, s in ipairs(series) do
      local v = s[2][i]
      local y = y0 + (j - 1) * (barh + 2)
      if v ~= modu.NA and v ~= nil then
        -- a bar cannot be drawn leftwards: negative values get none (SVG forbids a negative width)
        local bw = (max > 0 and v > 0) and v / max * plotw or 0
        add(out, '<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"><title>%s %s: %s</title></rect>',
          left, y, bw, barh, PALETTE[(j - 1) % #PALETTE + 1], esc(l), esc(s[1]), esc(fmt_num(v)))
        add(out, '<text x="%.1f" y="%d">%s</text>', left + bw + 4, y + barh - 2, esc(fmt_num(v)))
      else
        add(out, '<text x="%d" y="%d" fill="#888">NA (not in the article)</text>', left + 4, y + barh - 2)
      end
    end
  end
  local ly = top + rowh * #labels + 12
  for j, s in ipairs(series) do
    add(out, '<rect x="%d" y="%d" width="10" height="10" fill="%s"/>', left, ly + (j - 1) * 16,
      PALETTE[(j - 1) % #PALETTE + 1])
    add(out, '<text x="%d" y="%d">%s</text>', left + 14, ly + (j - 1) * 16 + 9, esc(s[1]))
  end
  out[#out + 1] = "</svg>"
  return table.concat(out, "\n")
end

--- Rank intervals: for each label a line from lo to hi with a dot at mid
-- (ranks: 1 is best, drawn at the left).
function plot.svg_intervals(spec)
  local labels = spec.labels
  local n = #labels
  local left, top, rowh = spec.label_width or 110, 40, 22
  local w = spec.width or 640
  local h = top + rowh * n + 40
  local maxr = spec.max or n
  local out = svg_open(w, h, spec.title)
  local plotw = w - left - 40
  local function x(r) return left + (r - 1) / math.max(1, maxr - 1) * plotw end
  for r = 1, maxr do
    add(out, '<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#ddd"/>', x(r), top - 6, x(r), top + rowh * n)
    add(out, '<text x="%.1f" y="%d" text-anchor="middle" fill="#555">%d</text>', x(r), top + rowh * n + 16, r)
  end
  for i, l in ipairs(labels) do
    local y = top + (i - 1) * rowh + rowh / 2
    add(out, '<text x="%d" y="%.1f" text-anchor="end">%s</text>', left - 8, y + 4, esc(l))
    local lo, mid, hi = spec.lo[i], spec.mid[i], spec.hi[i]
    if lo ~= modu.NA and hi ~= modu.NA then
      add(out, '<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="4"/>',
        x(lo), y, x(hi), y, PALETTE[1])
      add(out, '<circle cx="%.1f" cy="%.1f" r="5" fill="%s"><title>%s: median rank %s, 5-95%% %s-%s</title></circle>',
        x(mid), y, PALETTE[2], esc(l), fmt_num(mid), fmt_num(lo), fmt_num(hi))
    else
      add(out, '<text x="%d" y="%.1f" fill="#888">not ranked</text>', left, y + 4)
    end
  end
  add(out, '<text x="%d" y="%d" fill="#555">rank (1 = first)</text>', left, h - 6)
  out[#out + 1] = "</svg>"
  return table.concat(out, "\n")
end

--- A timeline of dated events: events = { { date = modu.Date, label = text }, ... }
function plot.svg_timeline(spec)
  local ev = {}
  for _, e in ipairs(spec.events) do
    if e.date ~= modu.NA and e.date ~= nil then ev[#ev + 1] = e end
  end
  table.sort(ev, function(a, b) return a.date < b.date end)
  local w = spec.width or 640
  local left, top, rowh = 20, 50, 26
  local h = top + rowh * #ev + 30
  local out = svg_open(w, h, spec.title)
  if #ev == 0 then
    out[#out + 1] = "</svg>"
    return table.concat(out, "\n")
  end
  local d0, d1 = ev[1].date, ev[#ev].date
  local span = math.max(1, d1 - d0)
  local axis = left + 60
  local plotw = 160
  local function x(d) return axis + (d - d0) / span * plotw end
  add(out, '<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#999"/>', axis, top - 10, axis + plotw, top - 10)
  for i, e in ipairs(ev) do
    local y = top + (i - 1) * rowh
    add(out, '<circle cx="%.1f" cy="%d" r="5" fill="%s"/>', x(e.date), y, PALETTE[1])
    add(out, '<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#ccc"/>', x(e.date), top - 10, x(e.date), y)
    add(out, '<text x="%d" y="%d">%s  %s</text>', axis + plotw + 16, y + 4, esc(tostring(e.date)),
      esc(e.label))
  end
  out[#out + 1] = "</svg>"
  return table.concat(out, "\n")
end

return plot
