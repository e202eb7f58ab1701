-- Text: match keys and case folding over a column of N mixed Chinese/Latin
-- names, modu's str-column methods against the same work in plain Lua (utf8 +
-- string.lower), in one run on the same data. Writes the "Text" section of
-- bench/RESULTS.md. Run: make bench. Rows: TEXT_N (1e6, whatever N the other
-- benchmarks use); distinct names: TEXT_DISTINCT (a tenth of the rows).
local modu = require "modu"

local T = modu.text
local n = math.tointeger(tonumber(os.getenv("TEXT_N") or "1e6"))
local distinct = math.tointeger(tonumber(os.getenv("TEXT_DISTINCT") or tostring(math.max(1, n // 10))))

-- ---- data: names as the field writes them, in several spellings ----
local ZH = { "北京", "深圳", "上海", "合肥", "杭州", "西安", "科大讯飞", "腾讯", "华为", "百度", "寒武纪", "中国声谷" }
local LATIN = { "Beijing", "Shenzhen", "Xī'ān", "XI’AN", "iFLYTEK", "HKUST Xunfei", "Keda  Xunfei", "Ｃａｍｂｒｉｃｏｎ",
  "China Voice Valley", "Hefei–Anhui", "Zürich AI Lab", "STRASSE Labs" }
local names = {}
local rng = 12345
local function rand(k) -- a small LCG: the same data on every run and machine
  rng = (rng * 1103515245 + 12345) % 2147483648
  return rng % k + 1
end
for i = 1, distinct do
  local zh, la = ZH[rand(#ZH)], LATIN[rand(#LATIN)]
  local form = i % 3
  names[i] = form == 0 and (zh .. " " .. la .. " " .. i) or form == 1 and (la .. " " .. i) or (zh .. i .. "号")
end
local rows = {}
for i = 1, n do rows[i] = names[rand(distinct)] end
local col = modu.column(rows, "str")

-- ---- the plain-Lua peers ----
-- casefold as plain Lua can: string.lower per code point (right for ASCII only)
local function lua_casefold(s)
  local out = {}
  for _, c in utf8.codes(s) do
    out[#out + 1] = c < 128 and string.lower(string.char(c)) or utf8.char(c)
  end
  return table.concat(out)
end

-- the key as plain Lua can approximate it: full-width ASCII folded, ASCII
-- lowered, Latin-1/Basic combining marks dropped, quotes/dashes/spaces unified
local QUOTE = { [0x2018] = "'", [0x2019] = "'", [0x2032] = "'", [0x60] = "'", [0x201C] = '"', [0x201D] = '"' }
local DASH = { [0x2010] = true, [0x2011] = true, [0x2012] = true, [0x2013] = true, [0x2014] = true, [0x2212] = true }
local MARKED = { [0xE0] = "a", [0xE1] = "a", [0xE4] = "a", [0xE8] = "e", [0xE9] = "e", [0xEC] = "i", [0xED] = "i",
  [0xF6] = "o", [0xFC] = "u", [0x101] = "a", [0x12B] = "i", [0x16B] = "u" }
local function lua_key(s)
  local out, space = {}, false
  for _, c in utf8.codes(s) do
    if c >= 0xFF01 and c <= 0xFF5E then c = c - 0xFEE0 end
    if c == 32 or c == 9 or c == 0x3000 or c == 0xA0 then
      space = #out > 0
    elseif not (c >= 0x300 and c <= 0x36F) then
      local piece
      if c < 128 then piece = c == 0x60 and "'" or string.lower(string.char(c))
      elseif QUOTE[c] then piece = QUOTE[c]
      elseif DASH[c] then piece = "-"
      elseif MARKED[c] then piece = MARKED[c]
      else piece = utf8.char(c) end
      if space then out[#out + 1] = " " end
      space = false
      out[#out + 1] = piece
    end
  end
  return table.concat(out)
end

local function per_row(f)
  local r = {}
  for i = 1, n do r[i] = f(rows[i]) end
  return r
end

local function memo(f)
  local cache, r = {}, {}
  for i = 1, n do
    local s = rows[i]
    local v = cache[s]
    if not v then
      v = f(s)
      cache[s] = v
    end
    r[i] = v
  end
  return r
end

-- best CPU seconds of `reps` runs
local function time(reps, f)
  local best = math.huge
  local out
  for _ = 1, reps do
    collectgarbage("collect")
    local t0 = os.clock()
    out = f()
    best = math.min(best, os.clock() - t0)
  end
  return best, out
end

local results = {}
local function measure(task, modu_fn, peers)
  local tm, got = time(3, modu_fn)
  local row = { task = task, modu = tm, peers = {} }
  for _, p in ipairs(peers) do
    local tp, want = time(1, p[2])
    assert(#want == #got, "peer result has another length")
    row.peers[#row.peers + 1] = { name = p[1], secs = tp, ratio = tp / tm }
  end
  results[#results + 1] = row
  return got
end

local keys = measure("key()", function() return col:key() end, {
  { "plain Lua, per row", function() return per_row(lua_key) end },
  { "plain Lua, memoized per distinct string", function() return memo(lua_key) end },
  { "modu.text.key called per row", function() return per_row(T.key) end },
})
local folded = measure("casefold()", function() return col:casefold() end, {
  { "plain Lua, per row", function() return per_row(lua_casefold) end },
  { "plain Lua, memoized per distinct string", function() return memo(lua_casefold) end },
})

-- the two agree wherever plain Lua is right: on every pure-ASCII row
local agree, ascii = 0, 0
for i = 1, math.min(n, 20000) do
  if not rows[i]:find("[\128-\255]") then
    ascii = ascii + 1
    if lua_casefold(rows[i]) == folded[i] and lua_key(rows[i]) == keys[i] then agree = agree + 1 end
  end
end
assert(agree == ascii, "modu and the Lua peer differ on ASCII text")

-- where string.lower is wrong
local wrong = {
  { "ÉCOLE", ("ÉCOLE"):lower(), T.casefold("ÉCOLE") },
  { "Straße", ("Straße"):lower(), T.casefold("Straße") },
  { "ΟΔΟΣ", ("ΟΔΟΣ"):lower(), T.lower("ΟΔΟΣ") },
}

-- ---- report ----
local lines = {}
local function out(s) lines[#lines + 1] = s; print(s) end
out("## Text")
out("")
out("Written by `bench/text_bench.lua` (`make bench`).")
out("")
out(("- Command: `make bench` (TEXT_N=%d); run %s UTC; %s, Lua %s, utf8proc %s (Unicode %s)."):format(n,
  os.date("!%Y-%m-%d %H:%M"), modu._VERSION, _VERSION:match("[%d.]+"), modu.utf8proc_version, modu.unicode_version))
local cpu = io.open("/proc/cpuinfo")
local model = cpu and cpu:read("a"):match("model name%s*:%s*([^\n]+)") or "unknown CPU"
if cpu then cpu:close() end
local nproc = io.popen("nproc")
local cores = nproc and nproc:read("l") or "?"
if nproc then nproc:close() end
out(("- Machine: %s cores, %s; CPU time is counted, so other load on the machine inflates both sides alike.")
  :format(cores, model))
out(("- Data: %d rows of mixed Chinese/Latin names (full-width, marks, curly quotes, dashes), %d distinct."):format(
  n, distinct))
out("- CPU seconds (os.clock), modu best of 3, peers one run; the ratio is the peer's time ÷ modu's (above 1: "
  .. "modu is faster). modu maps each distinct string once and re-codes the rows.")
out("")
out("| task | modu | peer | peer s | peer ÷ modu |")
out("|---|---:|---|---:|---:|")
for _, r in ipairs(results) do
  for k, p in ipairs(r.peers) do
    out(("| %s | %s | %s | %.3f | %.1f× |"):format(k == 1 and r.task or "", k == 1 and ("%.3f"):format(r.modu) or "",
      p.name, p.secs, p.ratio))
  end
end
out("")
out("Plain Lua's `string.lower` works on bytes, so non-ASCII text keeps its case:")
out("")
out("| input | string.lower | modu.text |")
out("|---|---|---|")
for _, w in ipairs(wrong) do out(("| %s | %s | %s |"):format(w[1], w[2], w[3])) end
out("")

local section = table.concat(lines, "\n") .. "\n"
dofile("bench/results.lua").replace_section("Text", section)

return { results = results }
