-- Memory of a 10,000,000-row frame (one int, two float columns), measured from
-- the process RSS, against the raw size of its values and NA bitmaps, and
-- against the same data held in plain Lua arrays. Run: make bench (N=1e7 default here).
local modu = require "modu"

local function rss_kib(field)
  local f = assert(io.open("/proc/self/status"))
  local s = f:read("a")
  f:close()
  return tonumber(s:match(field .. ":%s*(%d+) kB"))
end

local n = math.tointeger(tonumber(os.getenv("MEM_N") or "1e7"))
collectgarbage("collect")
local before = rss_kib("VmRSS")

local df = modu.frame({
  { "id", modu.range(1, n) },
  { "x", modu.random.uniform(n, 0, 100, 1) },
  { "y", modu.random.normal(n, 0, 1, 2) },
})
collectgarbage("collect")
local after = rss_kib("VmRSS")

-- raw size: 8 bytes a value, plus one bit a row for each column that has a bitmap
local raw = 0
for _, name in ipairs(df:names()) do
  local col = df:col(name)
  raw = raw + 8 * #col + (col:count_na() > 0 and math.ceil(#col / 64) * 8 or 0)
end
local used = (after - before) * 1024
local ratio = used / raw

-- the peer: the same three columns as Lua arrays (what a Lua user has today)
df:close()
collectgarbage("collect")
local base2 = rss_kib("VmRSS")
local arrays = { {}, {}, {} }
local id, x, y = arrays[1], arrays[2], arrays[3]
for i = 1, n do id[i] = i; x[i] = i * 0.5; y[i] = -i * 0.25 end
collectgarbage("collect")
local lua_used = (rss_kib("VmRSS") - base2) * 1024
assert(#arrays[1] == n and #arrays[3] == n)

print(("memory: %d rows x 3 columns (int, float, float)"):format(n))
print(("  raw values + bitmaps  %8.1f MiB"):format(raw / 2^20))
print(("  modu frame (RSS)      %8.1f MiB   ratio to raw %.3f (target <= 1.15)"):format(used / 2^20, ratio))
print(("  Lua arrays (RSS)      %8.1f MiB   modu uses %.2fx less"):format(lua_used / 2^20, lua_used / used))
return { ratio = ratio, modu_bytes = used, lua_bytes = lua_used }
