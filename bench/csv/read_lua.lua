-- The plain-Lua peer: the CSV reader a Lua user writes today. Lines from
-- io.lines, fields split on the separator (quoted fields handled within a
-- line), numbers through tonumber, one Lua array per column.
--   lua5.4 bench/csv/read_lua.lua FILE
local common = dofile("bench/csv/common.lua")

local function split(line, out)
  local n = 0
  if not line:find('"', 1, true) then
    for field in (line .. ","):gmatch("([^,]*),") do
      n = n + 1
      out[n] = field
    end
    return n
  end
  local i, len = 1, #line
  while i <= len + 1 do
    local field
    if line:sub(i, i) == '"' then
      local j, parts = i + 1, {}
      while true do
        local q = line:find('"', j, true) or len + 1
        parts[#parts + 1] = line:sub(j, q - 1)
        if line:sub(q + 1, q + 1) == '"' then
          parts[#parts + 1] = '"'
          j = q + 2
        else
          i = q + 1
          break
        end
      end
      field = table.concat(parts)
      i = (line:find(",", i, true) or len + 1) + 1
    else
      local c = line:find(",", i, true) or len + 1
      field = line:sub(i, c - 1)
      i = c + 1
    end
    n = n + 1
    out[n] = field
  end
  return n
end

local path = assert(arg[1], "usage: read_lua.lua FILE")
local w0, c0 = common.wall(), os.clock()
local lines = io.lines(path)
local names, cols, fields = {}, {}, {}
local nf = split(lines(), names)
for k = 1, nf do cols[k] = {} end
local rows = 0
for line in lines do
  if line ~= "" then
    rows = rows + 1
    split(line, fields)
    for k = 1, nf do
      local s = fields[k]
      local v = s ~= "" and tonumber(s)
      cols[k][rows] = v or s
    end
  end
end
local wall, cpu = common.wall() - w0, os.clock() - c0
assert(nf == 0 or #cols[nf] == rows, "read_lua: a short last column")
common.report({ wall = wall, cpu = cpu, rows = rows, hwm_kib = common.status_kib("VmHWM") })
