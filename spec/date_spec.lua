-- Specs for dates: modu.date scalars (parsing, calendar parts, arithmetic,
-- comparison, text) checked against an independent calendar, and date columns
-- (parts, casts from and to ISO text, arithmetic and comparisons).
local modu = require "modu"
local support = require "spec.support"
local NA = modu.NA
local D = modu.date
local raises = support.raises_match
local assert_values = support.assert_values

-- Howard Hinnant's era-based calendar algorithms: a second implementation of
-- the proleptic Gregorian calendar to check modu's against.
local function days_from_civil(y, m, d)
  y = m <= 2 and y - 1 or y
  local era = y // 400
  local yoe = y - era * 400
  local doy = (153 * ((m + 9) % 12) + 2) // 5 + d - 1
  local doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
  return era * 146097 + doe - 719468
end

local function civil_from_days(z)
  z = z + 719468
  local era = z // 146097
  local doe = z - era * 146097
  local yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
  local doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
  local mp = (5 * doy + 2) // 153
  local d = doy - (153 * mp + 2) // 5 + 1
  local m = mp < 10 and mp + 3 or mp - 9
  local y = yoe + era * 400
  return m <= 2 and y + 1 or y, m, d
end

local function iso(y, m, d)
  return ("%s%04d-%02d-%02d"):format(y < 0 and "-" or "", math.abs(y), m, d)
end

-- ---------------------------------------------------------------------------
describe("modu.date", function()
  it("reads ISO text and year, month, day alike", function()
    local a, b = D "2017-12-29", D(2017, 12, 29)
    assert.are.equal(a, b)
    assert.are.equal("2017-12-29", tostring(a))
    assert.are.equal(2017, a:year())
    assert.are.equal(12, a:month())
    assert.are.equal(29, a:day())
    assert.are.equal("integer", math.type(a:year()))
  end)

  it("counts days from 1970-01-01", function()
    assert.are.equal(0, D("1970-01-01"):days())
    assert.are.equal(-1, D("1969-12-31"):days())
    assert.are.equal(17529, D("2017-12-29"):days())
  end)

  it("passes a date through", function()
    local d = D "2000-02-29"
    assert.are.equal(d, D(d))
  end)

  it("knows the leap years", function()
    assert.are.equal("2000-02-29", tostring(D "2000-02-29"))
    assert.are.equal("2016-02-29", tostring(D(2016, 2, 29)))
    raises("date: bad date '1900%-02%-29' %(day 29 out of range for 1900%-02; expected YYYY%-MM%-DD%)",
      D, "1900-02-29")
    raises("date: no such day: year 2017, month 2, day 29", D, 2017, 2, 29)
  end)

  it("raises on impossible days and months, with the reason", function()
    raises("date: bad date '2017%-02%-30' %(day 30 out of range for 2017%-02; expected YYYY%-MM%-DD%)", D, "2017-02-30")
    raises("date: bad date '2017%-13%-01' %(month 13 out of range; expected YYYY%-MM%-DD%)", D, "2017-13-01")
    raises("date: bad date '2017%-00%-10' %(month 0 out of range", D, "2017-00-10")
    raises("date: bad date '2017%-04%-31' %(day 31 out of range for 2017%-04", D, "2017-04-31")
    raises("date: bad date '2017%-01%-00' %(day 0 out of range for 2017%-01", D, "2017-01-00")
    raises("date: no such day: year 2017, month 13, day 1", D, 2017, 13, 1)
    raises("date: no such day: year 2017, month 0, day 1", D, 2017, 0, 1)
    raises("date: no such day: year 2017, month 1, day 1099511627776", D, 2017, 1, 1 << 40)
    raises("date: no such day: year 1099511627776, month 1, day 1", D, 1 << 40, 1, 1)
  end)

  it("raises on text that is not YYYY-MM-DD", function()
    for _, s in ipairs { "2017/01/01", "", "2017-1-1", " 2017-01-01", "2017-01-01 ", "2017-01-01T00:00:00",
      "20170101", "17-01-01", "+2017-01-01", "２０１７-01-01" } do
      local q = s:gsub("%p", "%%%0")
      raises("date: bad date '" .. q .. "' %(expected YYYY%-MM%-DD%)", D, s)
    end
  end)

  it("quotes bad input safely: control and invalid bytes escaped, long text cut", function()
    local msg = raises("date: bad date", D, "\1\2")
    assert.matches("'\\x01\\x02'", msg, 1, true)
    msg = raises("date: bad date", D, "20\xff")
    assert.matches("'20\\xFF'", msg, 1, true)
    msg = raises("date: bad date", D, ("9"):rep(100))
    assert.matches("'" .. ("9"):rep(40) .. "...'", msg, 1, true)
  end)

  it("raises on arguments that are neither text nor three integers", function()
    raises("date: expected an ISO string 'YYYY%-MM%-DD' or year, month, day integers, got number", D, 2017)
    raises("date: expected an ISO string 'YYYY%-MM%-DD' or year, month, day integers, got number", D, 2017, 1)
    raises("date: expected an ISO string .*, got number", D, 2017.0, 1, 1)
    raises("date: expected an ISO string .*, got no value", D)
    raises("date: expected an ISO string .*, got table", D, {})
    raises("date: expected an ISO string .*, got modu.NA", D, NA)
  end)

  it("prints early, negative and five-digit years", function()
    assert.are.equal("0001-01-01", tostring(D(1, 1, 1)))
    assert.are.equal("0000-03-01", tostring(D "0000-03-01"))
    assert.are.equal("-0001-12-31", tostring(D(-1, 12, 31)))
    assert.are.equal("9999-12-31", tostring(D(9999, 12, 31)))
    assert.are.equal("10000-01-01", tostring(D(10000, 1, 1)))
    assert.are.equal(-1, D(-1, 12, 31):year())
  end)

  it("agrees with an independent calendar over five millennia", function()
    local bad = {}
    for z = -1000000, 1000000, 997 do
      local y, m, d = civil_from_days(z)
      local a = D(y, m, d)
      if a:days() ~= z or a:year() ~= y or a:month() ~= m or a:day() ~= d or tostring(a) ~= iso(y, m, d) then
        bad[#bad + 1] = iso(y, m, d)
      end
      if y >= 0 and y <= 9999 and D(iso(y, m, d)):days() ~= z then bad[#bad + 1] = "parse " .. iso(y, m, d) end
    end
    assert.are.same({}, bad)
  end)

  it("agrees with the independent calendar on every day of 1899-2101", function()
    local bad = {}
    local first = days_from_civil(1899, 1, 1)
    local last = days_from_civil(2101, 12, 31)
    local d = D(1899, 1, 1)
    for z = first, last do
      local y, m, dd = civil_from_days(z)
      if d:days() ~= z or d:year() ~= y or d:month() ~= m or d:day() ~= dd then bad[#bad + 1] = iso(y, m, dd) end
      d = d + 1
    end
    assert.are.same({}, bad)
    assert.are.equal(203 * 365 + 49, last - first + 1) -- 49 leap days: 1904..2096, 1900 and 2100 are not
  end)

  it("subtracts dates to whole days and shifts by whole days", function()
    local a = D "2017-12-29"
    assert.are.equal(362, a - D "2017-01-01")
    assert.are.equal("integer", math.type(a - D "2017-01-01"))
    assert.are.equal(D "2018-01-01", a + 3)
    assert.are.equal(D "2018-01-01", 3 + a)
    assert.are.equal(D "2017-12-01", a - 28)
    assert.are.equal(D "2016-02-29", D "2016-02-28" + 1)
    assert.are.equal(D "2017-03-01", D "2017-02-28" + 1)
    assert.are.equal(D "1969-12-31", D "1970-01-01" - 1)
    assert.are.equal(D "2017-12-29", a + 0)
  end)

  it("refuses day shifts that are not whole days or leave the range", function()
    local a = D "2017-12-29"
    raises("%+: a date adds whole days %(an integer%), got number", function() return a + 1.5 end)
    raises("%+: a date adds whole days %(an integer%), got string", function() return a + "1" end)
    raises("%-: a date subtracts a date or whole days, got string", function() return a - "2017-01-01" end)
    raises("%-: a date subtracts a date or whole days, got modu.NA", function() return a - NA end)
    raises("%+: date out of range", function() return a + math.maxinteger end)
    raises("%+: date out of range", function() return a + (1 << 31) end)
    raises("%-: date out of range", function() return a - math.mininteger end)
    raises("%-: date out of range", function() return a - math.maxinteger end)
    raises("attempt to perform arithmetic on a modu.Date value", function() return a * 2 end)
  end)

  it("reaches the ends of the day range and no further", function()
    local hi = D(1970, 1, 1) + 2147483647
    assert.are.equal(2147483647, hi:days())
    raises("%+: date out of range", function() return hi + 1 end)
    local lo = D(1970, 1, 1) - 2147483648
    assert.are.equal(-2147483648, lo:days())
    raises("%-: date out of range", function() return lo - 1 end)
    assert.are.equal(hi, D(tostring(hi):match "^(%d+)" + 0, hi:month(), hi:day()))
  end)

  it("compares with <, <=, ==, ~= and orders by day", function()
    local a, b = D "2017-12-29", D "2018-01-01"
    assert.is_true(a < b)
    assert.is_true(a <= b)
    assert.is_true(b > a)
    assert.is_true(b >= a)
    assert.is_true(a ~= b)
    assert.is_true(a == D(2017, 12, 29))
    assert.is_false(a == "2017-12-29")
    assert.is_false(a < a)
    assert.is_true(a <= a)
  end)

  it("refuses to order a date against something else", function()
    local a = D "2017-12-29"
    raises("<: argument 2 must be a modu.Date, got string", function() return a < "2018-01-01" end)
    raises("<=: argument 1 must be a modu.Date, got number", function() return 5 <= a end)
  end)

  it("metamethods and methods never crash on foreign operands", function()
    local mt = getmetatable(D "2017-01-01")
    local vals = { nil, 1, -1, 1.5, "2017-01-01", true, {}, NA, D "2017-01-01", modu.column { 1 },
      modu.column { D "2017-01-01" }, io.stdout, math.maxinteger, math.mininteger, 0 / 0 }
    local calls, bad = 0, {}
    local fns = { __add = mt.__add, __sub = mt.__sub, __eq = mt.__eq, __lt = mt.__lt, __le = mt.__le,
      __tostring = mt.__tostring, year = mt.__index.year, month = mt.__index.month, day = mt.__index.day,
      days = mt.__index.days }
    for name, f in pairs(fns) do
      for a = 0, #vals do
        for b = 0, #vals do
          local ok, err = pcall(f, vals[a], vals[b])
          calls = calls + 1
          if not ok and type(err) ~= "string" then bad[#bad + 1] = name .. ": " .. tostring(err) end
        end
      end
    end
    assert.are.same({}, bad)
    assert.are.equal(10 * 16 * 16, calls)
  end)

  it("methods refuse a non-date self", function()
    local methods = getmetatable(D "2017-01-01").__index
    raises("year: argument 1 must be a modu.Date, got number", methods.year, 5)
    raises("days: argument 1 must be a modu.Date, got modu.Column", methods.days, modu.column { 1 })
    raises("tostring: argument 1 must be a modu.Date, got table", getmetatable(D "2017-01-01").__tostring, {})
  end)
end)

-- ---------------------------------------------------------------------------
describe("date columns", function()
  local c = modu.column { D "2017-12-29", NA, D "1969-07-20", D "2000-02-29" }

  it("hand out modu.Date values and NA", function()
    assert.are.equal("date", c:type())
    assert.are.equal(D "2017-12-29", c[1])
    assert.is_true(rawequal(NA, c[2]))
    assert.are.equal("1969-07-20", tostring(c:to_table()[3]))
  end)

  it("split into year, month and day as int columns with NA", function()
    local y, m, d = c:year(), c:month(), c:day()
    assert.are.equal("int", y:type())
    assert_values({ 2017, NA, 1969, 2000 }, y)
    assert_values({ 12, NA, 7, 2 }, m)
    assert_values({ 29, NA, 20, 29 }, d)
  end)

  it("split into parts that match the scalars over a long sweep", function()
    local t = {}
    for z = -400000, 400000, 1009 do t[#t + 1] = D(1970, 1, 1) + z end
    local col = modu.column(t)
    local y, m, d = col:year(), col:month(), col:day()
    for i = 1, #t do
      assert.are.equal(t[i]:year(), y[i])
      assert.are.equal(t[i]:month(), m[i])
      assert.are.equal(t[i]:day(), d[i])
    end
    assert.are.equal(#t, #y)
  end)

  it("refuse parts of a non-date column", function()
    raises("year: needs a date column, got str %(convert text with :cast%(\"date\"%)%)",
      function() return modu.column({ "2017-01-01" }):year() end)
    raises("month: needs a date column, got int", function() return modu.column({ 1 }):month() end)
    raises("day: needs a date column, got bool", function() return modu.column({ true }):day() end)
  end)

  it("come from ISO text with cast and go back to it", function()
    local s = modu.column { "2017-12-29", NA, "0001-01-01", "2000-02-29" }
    local d = s:cast("date")
    assert.are.equal("date", d:type())
    assert_values({ D "2017-12-29", NA, D(1, 1, 1), D "2000-02-29" }, d)
    local back = d:cast("str")
    assert_values({ "2017-12-29", NA, "0001-01-01", "2000-02-29" }, back)
    local twice = modu.column({ "2017-12-29", "2017-12-29", "2018-01-01" }):cast("date")
    assert.are.equal(2, twice:eq("2017-12-29"):sum())
  end)

  it("name the row of text that is no date", function()
    raises("cast: cannot convert str at row 3 to date: bad date '2017%-02%-30' %(day 30 out of range for 2017%-02",
      function() return modu.column({ "2017-01-01", NA, "2017-02-30" }):cast("date") end)
    raises("cast: cannot convert str at row 1 to date: bad date '29/12/2017' %(expected YYYY%-MM%-DD%)",
      function() return modu.column({ "29/12/2017" }):cast("date") end)
  end)

  it("do arithmetic like the scalars", function()
    local base = modu.column { D "2016-02-28", D "2017-12-31", NA }
    local shifted = base + 1
    assert_values({ D "2016-02-29", D "2018-01-01", NA }, shifted)
    assert_values({ 1, 1, NA }, shifted - base)
    assert_values({ D "2016-02-27", D "2017-12-30", NA }, base - modu.column { 1, 1, 1 })
    assert_values({ D "2016-02-28" - D "2000-01-01", D "2017-12-31" - D "2000-01-01", NA }, base - D "2000-01-01")
  end)

  it("compare with ISO text, date values and date columns", function()
    assert_values({ true, NA, false, false }, c:eq("2017-12-29"))
    assert_values({ false, NA, true, true }, c:lt(D "2001-01-01"))
    assert_values({ true, NA, true, true }, c:ge(c))
    assert_values({ true, NA, false, true }, c:between("2000-01-01", "2017-12-31"))
    assert_values({ true, false, false, true }, c:isin { "2017-12-29", D "2000-02-29" })
  end)

  it("have a minimum and a maximum that are dates", function()
    assert.are.equal(D "1969-07-20", c:min())
    assert.are.equal(D "2017-12-29", c:max())
  end)

  it("fill NA with a date or ISO text", function()
    assert.are.equal(D "1999-01-01", c:fill_na(D "1999-01-01")[2])
    assert.are.equal(D "1999-01-02", c:fill_na("1999-01-02")[2])
    raises("fill_na: an int value cannot fill a date column", c.fill_na, c, 5)
  end)

  it("cast to days and back", function()
    local days = c:cast("int")
    assert_values({ 17529, NA, D("1969-07-20"):days(), D("2000-02-29"):days() }, days)
    assert_values(c:to_table(), days:cast("date"))
  end)
end)
