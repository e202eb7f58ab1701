-- The CSV reader: RFC 4180 and what real files do (quotes, line ends, BOM,
-- headers), every option, type inference over all rows, NA, locale numbers,
-- the conformance fixtures, malformed input with file:line:field messages, and
-- files larger than the reader's buffer.
local modu = require "modu"
local support = require "spec.support"

local NA = modu.NA
local D = modu.date
local FIX = "spec/fixtures/csv/"
local raises = support.raises

local function col(df, name) return df:col(name):to_table() end

-- `rows` (an array of row arrays) compared with the frame, column by column
local function frame_is(df, names, types, rows)
  assert.are.same(names, df:names())
  if types then assert.are.same(types, df:types()) end
  assert.are.equal(#rows, #df, "row count")
  for j, name in ipairs(names) do
    local got = col(df, name)
    for i, row in ipairs(rows) do
      local e, g = row[j], got[i]
      if e ~= e then
        assert.is_true(g ~= g, ("%s[%d] should be NaN"):format(name, i))
      else
        assert.are.equal(e, g, ("%s[%d]: expected %s, got %s"):format(name, i, tostring(e), tostring(g)))
      end
    end
  end
end

local tmpfiles = {}
local function tmpfile(content)
  local path = os.tmpname()
  support.spit(path, content)
  tmpfiles[#tmpfiles + 1] = path
  return path
end

teardown(function()
  for _, p in ipairs(tmpfiles) do os.remove(p) end
end)

describe("read_csv: RFC 4180", function()
  it("keeps separators inside quoted fields", function()
    frame_is(modu.parse_csv('a,b\n"x,y",2\n"1,5",3\n'), { "a", "b" }, { "str", "int" },
      { { "x,y", 2 }, { "1,5", 3 } })
  end)

  it("reads a doubled quote as one quote", function()
    local df = modu.parse_csv('q\n"he said ""hi"""\n""""\n"a""b"\n')
    assert.are.same({ 'he said "hi"', '"', 'a"b' }, col(df, "q"))
  end)

  it("keeps line breaks inside quoted fields (LF, CRLF, CR)", function()
    local df = modu.parse_csv('t,n\n"a\nb",1\n"c\r\nd",2\n"e\rf",3\n')
    assert.are.same({ "a\nb", "c\r\nd", "e\rf" }, col(df, "t"))
    assert.are.same({ 1, 2, 3 }, col(df, "n"))
  end)

  it("reads LF, CRLF, lone CR and mixed line ends alike", function()
    local want = { { 1, "x" }, { 2, "y" }, { 3, "z" } }
    for _, text in ipairs({ "n,s\n1,x\n2,y\n3,z\n", "n,s\r\n1,x\r\n2,y\r\n3,z\r\n", "n,s\r1,x\r2,y\r3,z\r",
      "n,s\r\n1,x\n2,y\r3,z", "n,s\n1,x\n2,y\n3,z" }) do
      frame_is(modu.parse_csv(text), { "n", "s" }, { "int", "str" }, want)
    end
  end)

  it("skips a UTF-8 byte order mark", function()
    local df = modu.parse_csv("\xEF\xBB\xBFcity,n\n北京,1\n")
    assert.are.same({ "city", "n" }, df:names())
  end)

  it("reads a trailing separator as one more empty field", function()
    frame_is(modu.parse_csv("a,b,c\n1,2,\n3,4,\n"), { "a", "b", "c" }, { "int", "int", "bool" },
      { { 1, 2, NA }, { 3, 4, NA } })
  end)

  it("skips blank lines, and reads an empty file and a header alone", function()
    frame_is(modu.parse_csv("a,b\n\n1,2\n\n\n3,4\n\n"), { "a", "b" }, nil, { { 1, 2 }, { 3, 4 } })
    local empty = modu.parse_csv("")
    assert.are.equal(0, empty:ncol())
    assert.are.equal(0, #empty)
    local head = modu.parse_csv("a,b\n")
    assert.are.same({ "a", "b" }, head:names())
    assert.are.equal(0, #head)
  end)

  it("names the columns V1..Vn with header = false", function()
    frame_is(modu.parse_csv("1,x\n2,y\n", { header = false }), { "V1", "V2" }, { "int", "str" },
      { { 1, "x" }, { 2, "y" } })
  end)

  it("trims header names, fills empty ones and makes them unique", function()
    local df = modu.parse_csv(" a ,a,\tb\t,,a,a_2\n1,2,3,4,5,6\n")
    assert.are.same({ "a", "a_2", "b", "V4", "a_3", "a_2_2" }, df:names())
  end)

  it("keeps the spaces of a quoted header name", function()
    assert.are.same({ " a ", "b" }, modu.parse_csv('" a ",b\n1,2\n'):names())
  end)
end)

describe("read_csv: options", function()
  it("sniffs each of , ; tab and | from the first lines", function()
    for _, sep in ipairs({ ",", ";", "\t", "|" }) do
      local text = ("city%sfirms%snote\n北京%s2300%sa b\n深圳%s1800%sc\n"):format(sep, sep, sep, sep, sep, sep)
      frame_is(modu.parse_csv(text), { "city", "firms", "note" }, { "str", "int", "str" },
        { { "北京", 2300, "a b" }, { "深圳", 1800, "c" } })
    end
  end)

  it("sniffs past separators inside quotes and decimal commas", function()
    frame_is(modu.parse_csv('a;b\n"x;y";1,5\n"z";2,5\n', { decimal = "," }), { "a", "b" }, { "str", "float" },
      { { "x;y", 1.5 }, { "z", 2.5 } })
  end)

  it("takes an explicit sep", function()
    frame_is(modu.parse_csv("a,b;c\n1,2;3\n", { sep = ";" }), { "a,b", "c" }, { "str", "int" }, { { "1,2", 3 } })
  end)

  it("takes another quote character, or none", function()
    assert.are.same({ "x,y", "it's" }, col(modu.parse_csv("a,b\n'x,y',1\n'it''s',2\n", { quote = "'" }), "a"))
    assert.are.same({ '"x"', 'y"' }, col(modu.parse_csv('a\n"x"\ny"\n', { quote = false }), "a"))
  end)

  it("skips comment lines", function()
    frame_is(modu.parse_csv("# made by hand\na,b\n1,2\n# a note, with a comma\n3,4\n", { comment = "#" }),
      { "a", "b" }, nil, { { 1, 2 }, { 3, 4 } })
  end)

  it("skips raw lines before the header", function()
    frame_is(modu.parse_csv('report "x\nmade 2024\na,b\n1,2\n', { skip = 2 }), { "a", "b" }, nil, { { 1, 2 } })
  end)

  it("reads at most n_max rows", function()
    local text = "a\n1\n2\n3\nx\n"
    frame_is(modu.parse_csv(text, { n_max = 2 }), { "a" }, { "int" }, { { 1 }, { 2 } })
    local none = modu.parse_csv(text, { n_max = 0 })
    assert.are.same({ "a" }, none:names())
    assert.are.equal(0, #none)
  end)

  it("reads the columns asked for, by name or position, in that order", function()
    local text = "a,b,c\n1,x,2.5\n3,y,4.5\n"
    frame_is(modu.parse_csv(text, { columns = { "c", "a" } }), { "c", "a" }, { "float", "int" },
      { { 2.5, 1 }, { 4.5, 3 } })
    frame_is(modu.parse_csv(text, { columns = { 2, "c" } }), { "b", "c" }, nil, { { "x", 2.5 }, { "y", 4.5 } })
    local none = modu.parse_csv(text, { columns = {} })
    assert.are.equal(0, none:ncol())
  end)

  it("does not look at the values of columns it leaves out", function()
    local df = modu.parse_csv('a,b\n1,"\xff"\n2,\n', { columns = { "a" } })
    assert.are.same({ 1, 2 }, col(df, "a"))
  end)

  it("trims spaces and tabs around unquoted fields with trim = true", function()
    local df = modu.parse_csv('a,b,c\n 1 , x y ,  " q "\n\t2\t,z,w\n', { trim = true })
    frame_is(df, { "a", "b", "c" }, { "int", "str", "str" }, { { 1, "x y", " q " }, { 2, "z", "w" } })
    assert.are.same({ " x" }, col(modu.parse_csv("b\n x\n"), "b")) -- kept without it
  end)

  it("does not trim the separator when it is a tab", function()
    local df = modu.parse_csv("a\tb\tc\n 1 \t\t3\n", { trim = true, sep = "\t" })
    frame_is(df, { "a", "b", "c" }, nil, { { 1, NA, 3 } })
  end)
end)

describe("read_csv: types", function()
  it("infers bool, int, float, str and date", function()
    local df = modu.parse_csv("b,i,f,s,d\ntrue,1,1.5,x,2024-02-29\nFALSE,-2,-0.25,y,1970-01-01\n" ..
      "True,+3,1e3,z,0001-01-01\n")
    frame_is(df, { "b", "i", "f", "s", "d" }, { "bool", "int", "float", "str", "date" }, {
      { true, 1, 1.5, "x", D "2024-02-29" }, { false, -2, -0.25, "y", D "1970-01-01" },
      { true, 3, 1000.0, "z", D "0001-01-01" } })
  end)

  it("infers from all rows: text on the last row makes a text column that keeps every value as written", function()
    local lines = { "id" }
    for i = 1, 5000 do lines[#lines + 1] = ("%03d"):format(i % 1000) end
    lines[#lines + 1] = "n/a"
    local df = modu.parse_csv(table.concat(lines, "\n") .. "\n")
    assert.are.equal("str", df:types()[1])
    local got = col(df, "id")
    assert.are.equal("001", got[1])
    assert.are.equal("007", got[7])
    assert.are.equal("000", got[1000])
    assert.are.equal("n/a", got[5001])
  end)

  it("promotes bool < int < float over the rows", function()
    frame_is(modu.parse_csv("x\ntrue\n2\n2.5\n"), { "x" }, { "float" }, { { 1.0 }, { 2.0 }, { 2.5 } })
    frame_is(modu.parse_csv("x\n1\nfalse\n"), { "x" }, { "int" }, { { 1 }, { 0 } })
    frame_is(modu.parse_csv("x\n1\n2\n3.25\n"), { "x" }, { "float" }, { { 1.0 }, { 2.0 }, { 3.25 } })
  end)

  it("makes text of dates mixed with numbers or bad dates", function()
    assert.are.same({ "2024-01-01", "5" }, col(modu.parse_csv("d\n2024-01-01\n5\n"), "d"))
    assert.are.same({ "2024-02-29", "2023-02-29" }, col(modu.parse_csv("d\n2024-02-29\n2023-02-29\n"), "d"))
  end)

  it("reads integers beyond int64 as float, and int64's own limits as int", function()
    local df = modu.parse_csv("a,b\n9223372036854775807,1\n-9223372036854775808,99999999999999999999\n")
    frame_is(df, { "a", "b" }, { "int", "float" },
      { { math.maxinteger, 1.0 }, { math.mininteger, 1e20 } })
    assert.are.same({ 9223372036854775808.0 }, col(modu.parse_csv("a\n9223372036854775808\n"), "a"))
  end)

  it("reads nan, inf and -inf as floats", function()
    local df = modu.parse_csv("x\n1.5\nnan\ninf\n-inf\nInfinity\nNaN\n")
    frame_is(df, { "x" }, { "float" }, { { 1.5 }, { 0 / 0 }, { math.huge }, { -math.huge }, { math.huge }, { 0 / 0 } })
  end)

  it("reads decimals correctly rounded, on the fast path and off it", function()
    local df = modu.parse_csv("x\n0.1\n2.2250738585072014e-308\n4.9e-324\n1.7976931348623157e308\n" ..
      "123456789012345678901234567890\n0.30000000000000004\n-0.0\n")
    local got = col(df, "x")
    assert.are.equal(0.1, got[1])
    assert.are.equal(2.2250738585072014e-308, got[2])
    assert.are.equal(4.9e-324, got[3])
    assert.are.equal(1.7976931348623157e308, got[4])
    assert.are.equal(1.2345678901234568e29, got[5])
    assert.are.equal(0.30000000000000004, got[6])
    assert.are.equal("-0.0", tostring(got[7]))
  end)

  it("reads an all-NA column as bool", function()
    frame_is(modu.parse_csv("a,b\n1,\n2,NA\n"), { "a", "b" }, { "int", "bool" }, { { 1, NA }, { 2, NA } })
  end)

  it("takes types = { col = type } by name or position", function()
    local df = modu.parse_csv("id,x,d,b\n007,1,2024-01-05,1\n010,2,,0\n",
      { types = { id = "str", x = "float", [3] = "str", b = "int" } })
    frame_is(df, { "id", "x", "d", "b" }, { "str", "float", "str", "int" },
      { { "007", 1.0, "2024-01-05", 1 }, { "010", 2.0, NA, 0 } })
    local dd = modu.parse_csv("d\n2024-01-05\n", { types = { d = "date" } })
    assert.are.equal(D "2024-01-05", col(dd, "d")[1])
    local bb = modu.parse_csv("b\nTRUE\nfalse\n", { types = { b = "bool" } })
    assert.are.same({ true, false }, col(bb, "b"))
  end)
end)

describe("read_csv: NA", function()
  it("reads empty fields and NA, N/A, null, NULL as NA, unless quoted", function()
    local df = modu.parse_csv('s,n\nNA,1\nN/A,NA\nnull,null\nNULL,NULL\n,\n"NA",""\n"",2\n')
    frame_is(df, { "s", "n" }, { "str", "str" }, {
      { NA, "1" }, { NA, NA }, { NA, NA }, { NA, NA }, { NA, NA }, { "NA", "" }, { "", "2" } })
  end)

  it("takes other NA tokens with na =", function()
    local df = modu.parse_csv("a,b\n-,1\n?,NA\n3,\n", { na = { "-", "?" } })
    frame_is(df, { "a", "b" }, { "int", "str" }, { { NA, "1" }, { NA, "NA" }, { 3, NA } })
  end)

  it("reads only empty fields as NA with na = {}", function()
    frame_is(modu.parse_csv("a\nNA\n\n", { na = {}, ragged = "pad" }), { "a" }, { "str" }, { { "NA" } })
    frame_is(modu.parse_csv("a,b\nNA,\n", { na = {} }), { "a", "b" }, { "str", "bool" }, { { "NA", NA } })
  end)

  it("lets a numeric NA token win over the number", function()
    frame_is(modu.parse_csv("x\n-999\n5\n", { na = { "-999" } }), { "x" }, { "int" }, { { NA }, { 5 } })
  end)
end)

describe("read_csv: locale numbers", function()
  it("reads decimal = ',' and thousands = '.' (39.800 and 382,1)", function()
    local df = modu.parse_csv("kota;perusahaan;output\nBeijing;39.800;382,1\nShenzhen;1.234.567;1.234,5\n",
      { decimal = ",", thousands = "." })
    frame_is(df, { "kota", "perusahaan", "output" }, { "str", "int", "float" },
      { { "Beijing", 39800, 382.1 }, { "Shenzhen", 1234567, 1234.5 } })
  end)

  it("refuses badly grouped numbers as numbers", function()
    local df = modu.parse_csv("a;b\n1.5;12.34\n", { decimal = ",", thousands = "." })
    assert.are.same({ "str", "str" }, df:types())
    assert.are.same({ "1.5" }, col(df, "a"))
  end)

  it("reads thousands = ',' inside quotes", function()
    frame_is(modu.parse_csv('n\n"1,234"\n"12,345.5"\n', { thousands = "," }), { "n" }, { "float" },
      { { 1234.0 }, { 12345.5 } })
  end)
end)

describe("read_csv: ragged and invalid", function()
  it("pads short rows with NA and drops extra fields with ragged = 'pad'", function()
    frame_is(modu.parse_csv("a,b,c\n1\n2,x\n3,y,4.5,extra\n", { ragged = "pad" }), { "a", "b", "c" },
      { "int", "str", "float" }, { { 1, NA, NA }, { 2, "x", NA }, { 3, "y", 4.5 } })
  end)

  it("pads a short row in a later batch of a text column", function()
    -- the first batch makes b a text column; the short rows come after it
    local lines = { "a,b" }
    for i = 1, 300 do lines[#lines + 1] = i % 150 == 0 and tostring(i) or ("%d,s%d"):format(i, i % 7) end
    local df = modu.parse_csv(table.concat(lines, "\n") .. "\n", { ragged = "pad" })
    local b = col(df, "b")
    assert.are.equal(300, #b)
    assert.are.equal("s1", b[1])
    assert.are.equal(NA, b[150])
    assert.are.equal(NA, b[300])
    assert.are.equal("s4", b[151])
  end)

  it("replaces invalid UTF-8 with U+FFFD with invalid = 'replace'", function()
    local df = modu.parse_csv("a\xff,b\nx\xfey,\xc3\n\xe4\xb8\xad,ok\n", { invalid = "replace" })
    assert.are.same({ "a\u{FFFD}", "b" }, df:names())
    assert.are.same({ "x\u{FFFD}y", "中" }, col(df, "a\u{FFFD}"))
    assert.are.same({ "\u{FFFD}", "ok" }, col(df, "b"))
  end)
end)

describe("read_csv: conformance fixtures", function()
  it("simple.csv", function()
    frame_is(modu.read_csv(FIX .. "simple.csv"), { "city", "firms", "output" }, { "str", "int", "float" },
      { { "Beijing", 2300, 3500.5 }, { "Shanghai", 1200, 3800.0 }, { "Shenzhen", 1800, 2400.25 } })
  end)

  it("comma_in_quotes.csv", function()
    frame_is(modu.read_csv(FIX .. "comma_in_quotes.csv"), { "city", "note", "firms" }, { "str", "str", "int" }, {
      { "Beijing", "capital, north", 2300 }, { "Shenzhen", "south, coastal, big", 1800 },
      { "Hefei, Anhui", ",", 400 } })
  end)

  it("escaped_quotes.csv", function()
    frame_is(modu.read_csv(FIX .. "escaped_quotes.csv"), { "company", "slogan" }, { "str", "str" },
      { { "iFLYTEK", 'the "voice" of AI' }, { 'Zhipu "GLM"', "ok" }, { "Moonshot", '"' } })
  end)

  it("newlines.csv", function()
    frame_is(modu.read_csv(FIX .. "newlines.csv"), { "city", "summary", "year" }, { "str", "str", "int" },
      { { "Hangzhou", "line one\nline two", 2023 }, { "Shanghai", "a\n\nc", 2024 }, { "Wuhan", "plain", 2025 } })
  end)

  it("crlf.csv", function()
    frame_is(modu.read_csv(FIX .. "crlf.csv"), { "city", "summary", "year" }, { "str", "str", "int" },
      { { "Hangzhou", "one\r\ntwo", 2023 }, { "Shanghai", "plain", 2024 } })
  end)

  it("utf8.csv (with a byte order mark)", function()
    frame_is(modu.read_csv(FIX .. "utf8.csv"), { "城市", "企业数", "备注" }, { "str", "int", "str" },
      { { "北京", 2300, "首都，北方" }, { "深圳", 1800, "南方 🚀" }, { "合肥", 400, "科大讯飞 iFLYTEK" } })
  end)

  it("empty_fields.csv", function()
    frame_is(modu.read_csv(FIX .. "empty_fields.csv"), { "a", "b", "c" }, { "str", "str", "str" },
      { { "1", NA, "3" }, { NA, NA, NA }, { "", "x", NA }, { "4", "", "" } })
  end)

  it("json.csv", function()
    frame_is(modu.read_csv(FIX .. "json.csv"), { "id", "payload" }, { "int", "str" },
      { { 1, '{"city": "北京", "firms": 2300}' }, { 2, '{"list": [1, 2]}' } })
  end)
end)

-- each malformed input, the message it must give (file:line:field), and options
local MALFORMED = {
  { "unterminated quote", 'a,b\n1,"open\n', "f.csv:2:2: unterminated quote" },
  { "unterminated quote after a quoted line break", 'a,b\n1,"x\ny"\n2,"z\n', "f.csv:4:2: unterminated quote" },
  { "unterminated quote in the header", 'a,"b\n', "f.csv:1:2: unterminated quote" },
  { "text after a closing quote", 'a,b\n1,"x"y\n', "f.csv:2:2: text after a closing quote" },
  { "text after a quote closed on a later line", 'a,b\n1,"x\n\ny"z\n', "f.csv:4:2: text after a closing quote" },
  { "too many fields", "a,b\n1,2\n3,4,5\n", "f.csv:3:3: 3 fields where the header has 2" },
  { "too few fields", "a,b,c\n1,2,3\n4,5\n", "f.csv:3:3: 2 fields where the header has 3" },
  { "one field where the header has three", "a,b,c\n1,2,3\n4\n", "f.csv:3:2: 1 field where the header has 3" },
  { "too many fields after a multi-line field", 'a,b\n"x\ny\nz",1\n2,3,4\n', "f.csv:5:3: 3 fields where" },
  { "an extra field that starts on a later line", 'a,b\n1,"x\ny",z\n', "f.csv:3:3: 3 fields where" },
  { "too many fields with CRLF", "a,b\r\n1,2\r\n3,4,5\r\n", "f.csv:3:3: 3 fields" },
  { "too many fields with lone CR", "a,b\r1,2\r3,4,5\r", "f.csv:3:3: 3 fields" },
  { "too many fields after comment lines", "# c\na,b\n# c\n1,2\n3,4,5\n", "f.csv:5:3: 3 fields", { comment = "#" } },
  { "too many fields after skipped lines", "x\ny\na,b\n1,2,3\n", "f.csv:4:3: 3 fields", { skip = 2 } },
  { "too many fields after blank lines", "a,b\n\n\n1,2,3\n", "f.csv:4:3: 3 fields" },
  { "a forced int given text", "a,b\n1,2\nx,3\n", "f.csv:3:1: 'x' is not an int (column 'a' was given that type)",
    { types = { a = "int" } } },
  { "a forced int given a decimal", "a,b\n1,2\n3,4.5\n", "f.csv:3:2: '4.5' is not an int", { types = { b = "int" } } },
  { "a forced int too large", "a\n99999999999999999999\n", "f.csv:2:1: '99999999999999999999' is not an int",
    { types = { a = "int" } } },
  { "a forced float given text", "a,b\n1,x1\n", "f.csv:2:2: 'x1' is not a float", { types = { b = "float" } } },
  { "a forced date given a bad month", "d\n2024-13-01\n", "f.csv:2:1: '2024-13-01' is not a date",
    { types = { d = "date" } } },
  { "a forced date given a bad day", "d\n2023-02-29\n", "f.csv:2:1: '2023-02-29' is not a date",
    { types = { d = "date" } } },
  { "a forced bool given yes", "b\ntrue\nyes\n", "f.csv:3:1: 'yes' is not a bool", { types = { b = "bool" } } },
  { "a forced type error on the line after a multi-line field", 'a,b\n"x\ny",1\n"z",q\n',
    "f.csv:4:2: 'q' is not an int", { types = { b = "int" } } },
  { "invalid UTF-8 in a field", "a,b\n1,ok\n2,ab\xffc\n", "f.csv:3:2: invalid UTF-8 at byte 3 of the field" },
  { "invalid UTF-8 in a quoted multi-line field", 'a\n"x\ny\xc3"\n', "f.csv:2:1: invalid UTF-8 at byte 4" },
  { "a truncated sequence at the end of the file", "a\n\xe4\xb8", "f.csv:2:1: invalid UTF-8 at byte 1" },
  { "an overlong encoding", "a\n\xc0\xaf\n", "f.csv:2:1: invalid UTF-8 at byte 1" },
  { "a UTF-16 surrogate", "a\nx\xed\xa0\x80\n", "f.csv:2:1: invalid UTF-8 at byte 2" },
  { "invalid UTF-8 in the header", "ok,b\xff\n1,2\n", "f.csv:1:2: invalid UTF-8 in the header at byte 2" },
  { "a NUL byte in the header", "a\0b,c\n1,2\n", "f.csv:1:1: a NUL byte in the header" },
  { "an error after a byte order mark", "\xEF\xBB\xBFa,b\n1,2,3\n", "f.csv:2:3: 3 fields" },
  { "decimal comma with a forced float", "x\n1.5\n", "f.csv:2:1: '1.5' is not a float",
    { decimal = ",", thousands = ".", types = { x = "float" } } },
}

describe("read_csv: malformed input", function()
  it("has at least 20 cases", function()
    assert.is_true(#MALFORMED >= 20)
  end)

  for _, case in ipairs(MALFORMED) do
    local what, text, msg, opts = case[1], case[2], case[3], case[4]
    it("names file, line and field: " .. what, function()
      local path = tmpfile(text)
      local got = raises(msg:gsub("^f%.csv", path), modu.read_csv, path, opts)
      assert.matches("^read_csv: ", got)
      -- the same from a string, named <string>
      raises(msg:gsub("^f%.csv", "<string>"), modu.parse_csv, text, opts)
    end)
  end

  it("reports the first error in file order, whatever the column", function()
    -- row 2 has a bad int in column b; row 3 a bad int in column a
    raises("<string>:3:2: 'y' is not an int", modu.parse_csv, "a,b\n1,2\n3,y\nx,4\n",
      { types = { a = "int", b = "int" } })
  end)

  it("reports a value error before a later row's field count", function()
    raises("<string>:2:1: 'x' is not an int", modu.parse_csv, "a,b\nx,1\n1,2,3\n", { types = { a = "int" } })
  end)

  it("reports a missing file and a directory", function()
    raises("read_csv: /nonexistent/modu.csv: cannot open: No such file or directory", modu.read_csv,
      "/nonexistent/modu.csv")
    raises("read_csv: spec/fixtures: cannot read: it is a directory", modu.read_csv, "spec/fixtures")
  end)
end)

describe("read_csv: bad options", function()
  it("names unknown options and lists the valid ones", function()
    raises("read_csv: unknown option 'seperator' (options: sep, quote,", modu.read_csv, FIX .. "simple.csv",
      { seperator = ";" })
  end)

  it("checks each option's type", function()
    local p = FIX .. "simple.csv"
    raises("read_csv: sep must be one character, got ;;", modu.read_csv, p, { sep = ";;" })
    raises("read_csv: quote must be one character (or false), got 1", modu.read_csv, p, { quote = 1 })
    raises("read_csv: n_max must be a non-negative integer, got -1", modu.read_csv, p, { n_max = -1 })
    raises("read_csv: skip must be a non-negative integer, got 1.5", modu.read_csv, p, { skip = 1.5 })
    raises("read_csv: header must be a boolean, got string", modu.read_csv, p, { header = "yes" })
    -- the wrong type is named by its type, a wrong value of the right type by its value
    raises("read_csv: skip must be a non-negative integer, got string", modu.read_csv, p, { skip = "1" })
    raises("read_csv: trim must be a boolean, got number", modu.read_csv, p, { trim = 1 })
    raises('read_csv: ragged must be one of "error", "pad", got table', modu.read_csv, p, { ragged = {} })
    raises("read_csv: options must be a table, got string", modu.read_csv, p, "sep=;")
    raises('read_csv: ragged must be one of "error", "pad", got "fill"', modu.read_csv, p, { ragged = "fill" })
    raises('read_csv: invalid must be one of "error", "replace", got "skip"', modu.read_csv, p, { invalid = "skip" })
    raises("read_csv: na must be an array of strings, got string", modu.read_csv, p, { na = "NA" })
    raises("read_csv: na[2] must be a string", modu.read_csv, p, { na = { "NA", 0 } })
    raises("read_csv: decimal and thousands must differ", modu.read_csv, p, { decimal = ",", thousands = "," })
    raises("read_csv: options must be a table, got string", modu.read_csv, p, "sep=;")
    raises("read_csv: expected a file path, got no value", modu.read_csv)
    raises("parse_csv: expected CSV text, got number", modu.parse_csv, 5)
  end)

  it("checks columns and types against the file's header", function()
    local p = FIX .. "simple.csv"
    raises("read_csv: columns[1]: the file has no column 'town' (columns: city, firms, output)", modu.read_csv, p,
      { columns = { "town" } })
    raises("read_csv: columns[2] = 4 is out of range 1..3", modu.read_csv, p, { columns = { 1, 4 } })
    raises("read_csv: columns[2]: column 'city' is asked for twice", modu.read_csv, p, { columns = { "city", 1 } })
    raises("read_csv: columns[1] must be a name or a position, got boolean", modu.read_csv, p, { columns = { true } })
    raises("read_csv: types: the file has no column town (columns: city, firms, output)", modu.read_csv, p,
      { types = { town = "int" } })
    raises("read_csv: unknown type 'integer' (types: int, float, str, bool, date)", modu.read_csv, p,
      { types = { firms = "integer" } })
  end)

  it("refuses a quote equal to the separator", function()
    raises("parse_csv: <string>: the quote and the separator are the same character (',')", modu.parse_csv,
      "a,b\n", { quote = "," })
  end)
end)

describe("read_csv: streaming", function()
  -- the reader's buffer holds 256 KiB at a time: these inputs cross it many times
  local function big_text(n)
    local parts = { "id,name,x,note\n" }
    for i = 1, n do
      local note = i % 97 == 0 and ('"multi\nline ""%d"", with, commas"'):format(i) or ("n%d"):format(i % 13)
      parts[#parts + 1] = ("%d,城市%d,%s,%s\n"):format(i, i % 50, i % 7 == 0 and "NA" or tostring(i / 4), note)
    end
    return table.concat(parts)
  end

  it("reads a file across buffer refills exactly as the same text from memory", function()
    local text = big_text(60000)
    assert.is_true(#text > 4 * 2 ^ 18) -- four reads of the buffer at least
    local a, b = modu.read_csv(tmpfile(text)), modu.parse_csv(text)
    assert.are.equal(60000, #a)
    assert.are.same(b:types(), a:types())
    assert.is_true(a:equals(b))
    -- trim = true turns off the fast scanner: the general one must agree on this input
    assert.is_true(modu.read_csv(tmpfile(text), { trim = true }):equals(a))
    local note = col(a, "note")
    assert.are.equal('multi\nline "97", with, commas', note[97])
    assert.are.equal(NA, col(a, "x")[7])
  end)

  it("reads a field longer than the buffer", function()
    local long = ("x"):rep(3 * 2 ^ 20)
    local text = ('a,b\n1,"%s"\n2,"q""%s"\n3,%s\n'):format(long, long, long)
    local df = modu.read_csv(tmpfile(text))
    local b = col(df, "b")
    assert.are.equal(#long, #b[1])
    assert.are.equal('q"' .. long, b[2])
    assert.are.equal(long, b[3])
  end)

  it("counts lines across refills for an error far into the file", function()
    local text = big_text(30000) .. "30001,x,1,y,extra\n"
    local path = tmpfile(text)
    local _, lines = text:gsub("\n", "")
    -- 30000 rows + header + 2 extra lines in each of the 309 multi-line notes
    raises(("%s:%d:5: 5 fields where the header has 4"):format(path, lines), modu.read_csv, path)
  end)

  it("rereads a column that turns into text late in a big file", function()
    local parts = { "code\n" }
    for i = 1, 100000 do parts[#parts + 1] = ("%05d\n"):format(i) end
    parts[#parts + 1] = "X1\n"
    local df = modu.read_csv(tmpfile(table.concat(parts)))
    local got = col(df, "code")
    assert.are.equal("00001", got[1])
    assert.are.equal("99999", got[99999])
    assert.are.equal("X1", got[100001])
  end)
end)
