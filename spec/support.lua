-- Assertions shared by the specs: errors and their messages, exact column
-- contents (NA, NaN and the number subtype told apart), and relative nearness.
--   local support = require "spec.support"
local assert = require "luassert"
local modu = require "modu"

local NA = modu.NA
local M = {}

-- marks an expected NaN in col_is (NaN ~= NaN, so it cannot be the value itself)
M.NAN = setmetatable({}, { __tostring = function() return "NaN" end })

-- the message of the error f(...) raises, asserting that it does raise
function M.error_of(f, ...)
  local ok, err = pcall(f, ...)
  assert.is_false(ok, "expected an error")
  return tostring(err)
end

-- f(...) raises an error whose message contains `text` (plain, not a pattern)
function M.raises(text, f, ...)
  local ok, msg = pcall(f, ...)
  assert.is_false(ok, "expected an error containing: " .. text)
  msg = tostring(msg)
  assert.matches(text, msg, 1, true)
  return msg
end

-- f(...) raises an error whose message matches the Lua pattern
function M.raises_match(pattern, f, ...)
  local msg = M.error_of(f, ...)
  assert.matches(pattern, msg)
  return msg
end

-- the same Lua value: same subtype, NA only as NA, NaN equal to NaN, and
-- 0.0 and -0.0 told apart
function M.same(a, b)
  if rawequal(a, NA) or rawequal(b, NA) then return rawequal(a, b) end
  if math.type(a) ~= math.type(b) then return false end
  if math.type(a) == "float" then
    if a ~= a then return b ~= b end
    if a == 0 and b == 0 then return 1 / a == 1 / b end
  end
  return a == b
end

local function show(v)
  if math.type(v) == "float" then return ("%.17g (float)"):format(v) end
  return tostring(v)
end

-- column c holds exactly the values of the Lua array want (see same)
function M.assert_values(want, c, what)
  local got = c:to_table()
  assert.are.equal(#want, #c, (what or "") .. ": length")
  for i = 1, #want do
    if not M.same(want[i], got[i]) then
      error(("%s: row %d is %s, expected %s"):format(what or "values", i, show(got[i]), show(want[i])), 2)
    end
  end
end

-- column `name` of df holds `expected`: M.NAN where a NaN is expected;
-- numbers within the absolute tolerance tol when one is given, else equal
function M.col_is(df, name, expected, tol)
  local got = df:col(name):to_table()
  assert.are.equal(#expected, #got, "row count of column " .. name)
  for k = 1, #expected do
    local e, g = expected[k], got[k]
    if e == M.NAN then
      assert.is_true(g ~= g, ("%s[%d] should be NaN, got %s"):format(name, k, tostring(g)))
    elseif tol and type(e) == "number" and type(g) == "number" then
      assert.is_true(math.abs(e - g) <= tol, ("%s[%d]: expected %s, got %s"):format(name, k, e, g))
    else
      assert.are.equal(e, g, ("%s[%d]: expected %s, got %s"):format(name, k, tostring(e), tostring(g)))
    end
  end
end

-- got is within relative error tol (default 1e-14) of want; absolute when
-- want is 0; NaN never passes
function M.near(want, got, tol, what)
  tol = tol or 1e-14
  local err = want == 0 and math.abs(got) or math.abs(got - want) / math.abs(want)
  if err ~= err or err > tol then
    error(("%s: got %.17g, expected %.17g (relative error %.3g)"):format(what or "value", got, want, err), 2)
  end
end

-- each value of got (a column or an array) within tol (default 1e-14)
-- relative, or absolute below 1, of want's; NA only where want has NA
function M.near_all(want, got, tol)
  got = type(got) == "table" and got or got:to_table()
  assert.are.equal(#want, #got)
  for i = 1, #want do
    if want[i] == NA or got[i] == NA then
      assert.are.equal(want[i], got[i], "row " .. i)
    elseif math.abs(got[i] - want[i]) > (tol or 1e-14) * math.max(1, math.abs(want[i])) then
      error(("row %d: got %.17g, expected %.17g"):format(i, got[i], want[i]), 2)
    end
  end
end

-- log relative error: the number of significant digits got shares with
-- want (a number or its decimal text), 0 to 15; absolute where want is 0
function M.lre(got, want)
  want = tonumber(want)
  if got == NA or got ~= got then return 0 end
  local err = want == 0 and math.abs(got) or math.abs(got - want) / math.abs(want)
  if err == 0 then return 15 end
  return math.max(0, math.min(15, -math.log(err, 10)))
end

-- bc's plain decimal output (lines may end in a backslash) as
-- "d.ddd...e-N" with 25 significant digits, for the generated reference tables
function M.bc_sci(s)
  s = s:gsub("\\\n", ""):gsub("%s", "")
  local sign = s:sub(1, 1) == "-" and "-" or ""
  s = s:gsub("^%-", "")
  local int, frac = s:match("^(%d*)%.?(%d*)$")
  local digits = (int .. frac):gsub("^0+", "")
  if digits == "" then return "0" end
  local e = #int - (#(int .. frac) - #digits) - 1
  return ("%s%s.%se%d"):format(sign, digits:sub(1, 1), digits:sub(2, 25), e)
end

-- the bytes of a file, or nil when it cannot be opened
function M.slurp(path)
  local f = io.open(path, "rb")
  if not f then return nil end
  local s = f:read("a")
  f:close()
  return s
end

-- writes s as the whole of a file
function M.spit(path, s)
  local f = assert(io.open(path, "wb"))
  f:write(s)
  f:close()
end

-- s quoted for a POSIX shell
function M.shell_quote(s) return "'" .. s:gsub("'", "'\\''") .. "'" end

return M
