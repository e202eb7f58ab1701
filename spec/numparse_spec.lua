-- modu.text.parse_number(s) / parse_numbers / parse_date / parse_dates: the
-- figures and dates of the seed article (Indonesian) and of Chinese and
-- English sources, and the errors that say why a text does not read.
local modu = require "modu"
local support = require "spec.support"

local T = modu.text
local NA = modu.NA
local D = modu.date
local raises = support.raises

-- the first n results of a call, as an array
local function take(n, ...)
  return { table.unpack({ ... }, 1, n) }
end

-- the seed article, read from ../shared/seed when it is there
local function seed_text()
  local p = io.popen("ls ../shared/seed/*.txt 2>/dev/null")
  local path = p and p:read("l")
  if p then p:close() end
  if not path then return nil end
  local f = assert(io.open(path, "rb"))
  local s = f:read("a")
  f:close()
  return s
end

describe("parse_number, Indonesian", function()
  it("reads 382,1 miliar yuan as 382100000000 CNY with its span", function()
    local v, unit, i, j = T.parse_number("382,1 miliar yuan", { locale = "id" })
    assert.are.equal(382100000000, v)
    assert.are.equal("integer", math.type(v))
    assert.are.equal("CNY", unit)
    assert.are.same({ 1, 17 }, { i, j })
  end)

  it("reads 39.800 as thousands", function()
    assert.are.equal(39800, (T.parse_number("39.800", { locale = "id" })))
    assert.are.equal(1234567.89, (T.parse_number("1.234.567,89", { locale = "id" })))
  end)

  it("knows ribu, juta, miliar and triliun", function()
    assert.are.equal(5000, (T.parse_number("5 ribu", { locale = "id" })))
    assert.are.equal(2500000, (T.parse_number("2,5 juta", { locale = "id" })))
    assert.are.equal(227000000000, (T.parse_number("227 miliar yuan", { locale = "id" })))
    assert.are.equal(1200000000000, (T.parse_number("1,2 triliun", { locale = "id" })))
  end)

  it("finds the number inside a sentence, with the span pointing into it", function()
    local s = "Shanghai bernilai sekitar 382,1 miliar yuan, lebih tinggi"
    local v, unit, i, j = T.parse_number(s, { locale = "id" })
    assert.are.equal(382100000000, v)
    assert.are.equal("CNY", unit)
    assert.are.equal("382,1 miliar yuan", s:sub(i, j))
  end)

  it("reads 42.600 perusahaan as firms", function()
    local v, unit = T.parse_number("dengan bertambahnya 42.600 perusahaan", { locale = "id" })
    assert.are.equal(42600, v)
    assert.are.equal("firms", unit)
  end)
end)

describe("parse_number, English", function()
  it("reads 382.1 billion yuan", function()
    local v, unit = T.parse_number("382.1 billion yuan", { locale = "en" })
    assert.are.equal(382100000000, v)
    assert.are.equal("CNY", unit)
  end)

  it("reads , thousands and the short scales k, m, bn", function()
    assert.are.equal(39800, (T.parse_number("39,800 firms", { locale = "en" })))
    assert.are.equal(5000, (T.parse_number("5k", { locale = "en" })))
    assert.are.equal(3500000, (T.parse_number("3.5m", { locale = "en" })))
    assert.are.equal(12000000000, (T.parse_number("$12bn", { locale = "en" })))
    assert.are.equal("USD", select(2, T.parse_number("$12bn", { locale = "en" })))
    assert.are.equal(2000000, (T.parse_number("2 million", { locale = "en" })))
  end)

  it("knows thousand, million, billion and trillion, and currency codes before the number", function()
    assert.are.same({ 7000, "firms" }, take(2, T.parse_number("7 thousand firms", { locale = "en" })))
    assert.are.equal(1500000000000, (T.parse_number("1.5 trillion yuan", { locale = "en" })))
    assert.are.equal(1234000000, (T.parse_number("1,234 million", { locale = "en" })))
    assert.are.same({ 5000000000, "CNY" }, take(2, T.parse_number("RMB 5 billion", { locale = "en" })))
    assert.are.same({ 3000000, "USD" }, take(2, T.parse_number("USD 3 million", { locale = "en" })))
    -- a code glued to a word before it is part of that word
    assert.is_nil(select(2, T.parse_number("xRMB 5", { locale = "en" })))
  end)

  it("keeps signs", function()
    assert.are.equal(-5.5, (T.parse_number("-5.5", { locale = "en" })))
    assert.are.equal(-3, (T.parse_number("drop of −3", { locale = "en" })))
    -- a hyphen between two numbers is a range, not a sign
    assert.are.equal(2025, T.parse_numbers("2018-2025", { locale = "en" })[2].value)
    assert.are.same({ 3.5, "%" }, take(2, T.parse_number("+3.5%", { locale = "en" })))
    assert.are.equal(-1200000, (T.parse_number("-1.200 ribu", { locale = "id" })))
  end)
end)

describe("parse_number, Chinese", function()
  it("reads 3821亿元 as 382100000000 CNY", function()
    local v, unit = T.parse_number("3821亿元", { locale = "zh" })
    assert.are.equal(382100000000, v)
    assert.are.equal("CNY", unit)
  end)

  it("reads 1.2万P as 12000 PFLOPS", function()
    local v, unit = T.parse_number("算力规模达到1.2万P", { locale = "zh" })
    assert.are.equal(12000, v)
    assert.are.equal("PFLOPS", unit)
  end)

  it("reads 万亿 as 1e12 and units 家 and 个", function()
    assert.are.equal(3000000000000, (T.parse_number("3万亿", { locale = "zh" })))
    local v, unit = T.parse_number("63800家", { locale = "zh" })
    assert.are.same({ 63800, "firms" }, { v, unit })
    assert.are.same({ 9, "items" }, take(2, T.parse_number("9个", { locale = "zh" })))
  end)

  it("reads simple Chinese numerals", function()
    assert.are.equal(4300, (T.parse_number("四千三百")))
    assert.are.equal(20000, (T.parse_number("两万")))
    assert.are.equal(12, (T.parse_number("十二")))
    assert.are.equal(105, (T.parse_number("一百零五")))
    assert.are.equal(130000000, (T.parse_number("一亿三千万")))
    assert.are.equal(3000000000000, (T.parse_number("三万亿")))
    assert.are.equal(500, (T.parse_number("五百家")))
  end)

  it("reads 负 as a minus sign, before Chinese or Arabic numerals", function()
    local v, _, i, j = T.parse_number("增长负三", { locale = "zh" })
    assert.are.same({ -3, 7, 12 }, { v, i, j }) -- the span starts at 负
    assert.are.same({ -5.5, "%" }, take(2, T.parse_number("负5.5%", { locale = "zh" })))
    assert.are.equal(-30000, (T.parse_number("-3万", { locale = "zh" })))
    assert.are.equal(3, (T.parse_number("负责三个", { locale = "zh" }))) -- 负责 (to be in charge) is no sign
  end)

  it("reads full-width digits and separators through NFKC", function()
    assert.are.equal(2017, (T.parse_number("２０１７")))
    local v, unit = T.parse_number("２５，３％", { locale = "id" })
    assert.are.same({ 25.3, "%" }, { v, unit })
    assert.are.equal(39800, (T.parse_number("３９，８００", { locale = "zh" })))
  end)
end)

describe("parse_number, percent and auto", function()
  it("reads 25,3% and 25.3% as 25.3 %", function()
    assert.are.same({ 25.3, "%" }, take(2, T.parse_number("25,3%", { locale = "id" })))
    assert.are.same({ 25.3, "%" }, take(2, T.parse_number("25.3%", { locale = "en" })))
    assert.are.same({ 25.3, "%" }, take(2, T.parse_number("25,3 persen")))
  end)

  it("decides alone when the text reads only one way", function()
    assert.are.equal(382.1, (T.parse_number("382,1")))
    assert.are.equal(382.1, (T.parse_number("382.1")))
    assert.are.equal(1234567, (T.parse_number("1.234.567")))
    assert.are.equal(1234567.5, (T.parse_number("1,234,567.5")))
    -- a scale word settles it: miliar is Indonesian, so '.' groups thousands
    assert.are.equal(1234000000000, (T.parse_number("1.234 miliar")))
    assert.are.equal(1234000000, (T.parse_number("1.234 billion")))
  end)

  it("refuses 1.234 with auto, saying why and how to choose", function()
    raises("parse_number: '1.234' at byte 1 is ambiguous: '.' groups thousands (Indonesian: 1234) or marks "
      .. "decimals (English: 1.234); pass { locale = \"id\" } or { locale = \"en\" }", T.parse_number, "1.234")
    raises("'1,234' at byte 1 is ambiguous: ',' marks decimals (Indonesian", T.parse_number, "1,234",
      { locale = "auto" })
  end)

  it("uses the rest of the passage to settle an ambiguous number", function()
    local all = T.parse_numbers("naik dari 39.800 menjadi 47.800, atau 20,1%")
    assert.are.same({ 39800, 47800, 20.1 }, { all[1].value, all[2].value, all[3].value })
  end)
end)

describe("parse_numbers", function()
  it("returns every figure of a passage with spans and text", function()
    local s = "Pada tahun 2016, jumlah perusahaan terkait AI di Beijing, Shenzhen, dan Shanghai masing-masing "
      .. "berjumlah 39.800, 36.100, dan 26.500"
    local all = T.parse_numbers(s, { locale = "id" })
    local values = {}
    for k, n in ipairs(all) do
      values[k] = n.value
      assert.are.equal(n.text, s:sub(n.start, n.stop))
    end
    assert.are.same({ 2016, 39800, 36100, 26500 }, values)
  end)

  it("reads the seed article's output figures", function()
    local s = "Shanghai bernilai sekitar 382,1 miliar yuan, lebih tinggi dari Beijing dan Shenzhen sebesar "
      .. "227 miliar yuan dan 248,8 miliar yuan"
    local all = T.parse_numbers(s, { locale = "id" })
    assert.are.equal(3, #all)
    assert.are.same({ 382100000000, 227000000000, 248800000000 }, { all[1].value, all[2].value, all[3].value })
    for _, n in ipairs(all) do assert.are.equal("CNY", n.unit) end
  end)

  it("leaves out numbers that do not read in the locale only when asked", function()
    local s = "Spark Cognitive Model 2.0 dan 39.800 perusahaan"
    raises("parse_numbers: '2.0' at byte 23 is not a number in Indonesian style (thousands come in groups of "
      .. "three digits); English reads it: pass { locale = \"en\" }", T.parse_numbers, s, { locale = "id" })
    local all = T.parse_numbers(s, { locale = "id", skip_invalid = true })
    assert.are.equal(1, #all)
    assert.are.equal(39800, all[1].value)
  end)

  it("reads the whole seed article with skip_invalid", function()
    local s = seed_text()
    if not s then return pending("no ../shared/seed here") end
    local all = T.parse_numbers(s, { locale = "id", skip_invalid = true })
    local seen = {}
    for _, n in ipairs(all) do seen[n.value] = true end
    for _, v in ipairs({ 39800, 36100, 26500, 42600, 63800, 47800, 382100000000, 248800000000 }) do
      assert.is_true(seen[v] == true, tostring(v))
    end
  end)

  it("gives digits glued to a word no number", function()
    local all = T.parse_numbers("chip A100 dan H800, 5 kota", { locale = "id" })
    assert.are.equal(1, #all)
    assert.are.equal(5, all[1].value)
  end)
end)

describe("parse_date", function()
  it("reads 29 Desember 2017", function()
    local d, prec, last, parts = T.parse_date("diterbitkan pada tanggal 29 Desember 2017.")
    assert.are.equal(D(2017, 12, 29), d)
    assert.are.equal("day", prec)
    assert.are.equal(d, last)
    assert.are.equal("29 Desember 2017", parts.text)
  end)

  it("says when 11 Agustus has no year, and fills one from opts", function()
    local d, prec, last, parts = T.parse_date("Pada pagi hari tanggal 11 Agustus, Biro Data Nasional")
    assert.are.equal(NA, d)
    assert.are.equal(NA, last)
    assert.are.equal("day_no_year", prec)
    assert.are.same({ 8, 11 }, { parts.month, parts.day })
    assert.is_nil(parts.year)
    local d2, prec2 = T.parse_date("11 Agustus", { year = 2023 })
    assert.are.equal(D(2023, 8, 11), d2)
    assert.are.equal("day", prec2)
  end)

  it("reads Juli dan Agustus as a month range", function()
    local first, prec, last = T.parse_date("pada bulan Juli dan Agustus saja", { year = 2023 })
    assert.are.equal(D(2023, 7, 1), first)
    assert.are.equal(D(2023, 8, 31), last)
    assert.are.equal("month", prec)
    local _, p2, _, parts = T.parse_date("Juli dan Agustus")
    assert.are.equal("month_no_year", p2)
    assert.are.same({ 7, 8 }, { parts.month, parts.month2 })
    assert.are.equal(D(2024, 1, 31), select(3, T.parse_date("Desember dan Januari 2023")))
  end)

  it("reads Chinese dates, with Arabic or Chinese numerals", function()
    assert.are.equal(D(2017, 12, 29), (T.parse_date("2017年12月29日")))
    assert.are.equal(D(2017, 12, 29), (T.parse_date("二〇一七年十二月二十九日")))
    local d, prec, last = T.parse_date("2018年5月")
    assert.are.same({ D(2018, 5, 1), "month", D(2018, 5, 31) }, { d, prec, last })
    assert.are.same({ D(2023, 1, 1), "year", D(2023, 12, 31) }, take(3, T.parse_date("2023年")))
    assert.are.equal(D(2023, 8, 31), select(3, T.parse_date("7月和8月", { year = 2023 })))
  end)

  it("reads English dates", function()
    assert.are.equal(D(2017, 12, 29), (T.parse_date("December 29, 2017")))
    assert.are.equal(D(2017, 11, 17), (T.parse_date("on Nov. 17th, 2017", { locale = "en" })))
    assert.are.equal(D(2017, 12, 29), (T.parse_date("29 December 2017")))
    assert.are.same({ D(2023, 7, 1), "month", D(2023, 8, 31) }, take(3, T.parse_date("July and August 2023")))
  end)

  it("reads ISO dates", function()
    assert.are.same({ D(2018, 5, 11), "day" }, take(2, T.parse_date("2018-05-11")))
    assert.are.same({ D(2018, 5, 1), "month" }, take(2, T.parse_date("2018-05")))
    assert.are.equal(D(2018, 5, 11), (T.parse_date("2018/05/11")))
  end)

  it("reads a year alone", function()
    assert.are.same({ D(2017, 1, 1), "year", D(2017, 12, 31) }, take(3, T.parse_date("tahun 2017")))
    assert.are.same({ D(2025, 1, 1), "year" }, take(2, T.parse_date(" 2025 ")))
  end)

  it("finds every date of a passage", function()
    local s = "Dokumen ini diterbitkan pada tanggal 29 Desember 2017. Pada tanggal 17 November 2017, "
      .. "iFLYTEK terpilih; rencana dirilis pada 11 Mei 2018."
    local all = T.parse_dates(s, { locale = "id" })
    assert.are.equal(3, #all)
    assert.are.same({ D(2017, 12, 29), D(2017, 11, 17), D(2018, 5, 11) }, { all[1].date, all[2].date, all[3].date })
    assert.are.equal("11 Mei 2018", all[3].text)
    assert.are.equal("day", all[3].precision)
  end)
end)

describe("negative cases", function()
  local cases = {
    { "parse_number: no number in 'tidak ada angka'", T.parse_number, "tidak ada angka" },
    { "parse_number: no number in ''", T.parse_number, "" },
    { "parse_number: '1.234' at byte 1 is ambiguous", T.parse_number, "1.234" },
    { "parse_number: '39.800' at byte 1 is ambiguous", T.parse_number, "39.800", { locale = "auto" } },
    { "parse_number: '382,1' at byte 1 is not a number in English/Chinese style (thousands come in groups of "
      .. "three digits); Indonesian reads it: pass { locale = \"id\" }", T.parse_number, "382,1", { locale = "en" } },
    { "parse_number: '12,34,567' at byte 1 is not a number in English/Chinese style (thousands come in groups of "
      .. "three digits); pass { skip_invalid = true } to leave such numbers out",
      T.parse_number, "12,34,567", { locale = "en" } },
    { "'1.2.3' at byte 1 is not a number in English/Chinese style (it has two decimal points)",
      T.parse_number, "1.2.3", { locale = "en" } },
    { "'1,2,3' at byte 1 is not a number in Indonesian style (it has two decimal commas)",
      T.parse_number, "1,2,3", { locale = "id" } },
    { "'12,34,567' at byte 1 reads as a number neither with '.' nor with ',' as the decimal mark",
      T.parse_number, "12,34,567" },
    { "parse_number: unknown locale 'fr' (locales: auto, en, id, zh)", T.parse_number, "1", { locale = "fr" } },
    { "parse_number: locale must be a string", T.parse_number, "1", { locale = 1 } },
    { "parse_number: unknown option 'local' (options: locale, skip_invalid)", T.parse_number, "1",
      { ["local"] = "id" } },
    { "parse_number: options must be a table, got string", T.parse_number, "1", "id" },
    { "parse_number: argument 1 must be a string, got number", T.parse_number, 5 },
    { "parse_number: invalid UTF-8 at byte 3", T.parse_number, "12\xff" },
    { "parse_number: skip_invalid must be a boolean, got string", T.parse_number, "1", { skip_invalid = "yes" } },
    { "has more than 64 digits", T.parse_number, ("9"):rep(70), { locale = "en" } },
    { "parse_date: '31 Februari 2017' at byte 1 is no real day: February 2017 has 28 days",
      T.parse_date, "31 Februari 2017" },
    { "parse_date: 'December 32, 2017' at byte 1 is no real day: December 2017 has 31 days",
      T.parse_date, "December 32, 2017" },
    { "parse_date: '2018-13-01' at byte 1: there is no month 13", T.parse_date, "2018-13-01" },
    { "parse_date: '2017年13月1日' at byte 1: there is no month 13", T.parse_date, "2017年13月1日" },
    { "parse_date: '30 Februari' at byte 1 is no real day: February has at most 29 days",
      T.parse_date, "30 Februari" },
    { "parse_date: no date in 'tidak ada tanggal' (forms: 29 Desember 2017, December 29, 2017, 2017年12月29日, "
      .. "2018-05-11, Juli dan Agustus, tahun 2017)", T.parse_date, "tidak ada tanggal" },
    { "parse_date: no date in '29 Desember 2017' (forms: 29 Desember 2017, December 29, 2017, 2017年12月29日, "
      .. "2018-05-11, Juli dan Agustus, tahun 2017); it has an Indonesian month name: pass { locale = \"id\" } "
      .. "or \"auto\"", T.parse_date, "29 Desember 2017", { locale = "en" } },
    { "it has an English month name: pass { locale = \"en\" }", T.parse_date, "December 29, 2017",
      { locale = "id" } },
    { "parse_date: year must be an integer from 1 to 9999, got 2023.5", T.parse_date, "11 Agustus",
      { year = 2023.5 } },
    { "parse_date: unknown option 'yr' (options: locale, year)", T.parse_date, "11 Agustus", { yr = 2023 } },
    { "parse_date: argument 1 must be a string, got nil", function() return T.parse_date(nil) end },
    { "parse_date: invalid UTF-8 at byte 1", T.parse_date, "\xC3(" },
    { "parse_dates: '2018-02-30' at byte 6 is no real day: February 2018 has 28 days", T.parse_dates,
      "pada 2018-02-30" },
    { "may is a verb", function()
      -- a lower-case month name alone is no date ("may" is a verb)
      local ok = pcall(T.parse_date, "it may rain")
      if ok then error("'it may rain' read as a date") end
      error("may is a verb")
    end },
  }

  for k, c in ipairs(cases) do
    it(("%d: %s"):format(k, c[1]:sub(1, 70)), function()
      raises(c[1], table.unpack(c, 2))
    end)
  end

  it("has at least 20 of them", function()
    assert.is_true(#cases >= 20)
  end)
end)
