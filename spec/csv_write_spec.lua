-- The CSV writer: quoting only where needed, NA and float text, options,
-- read_csv(write_csv(df)) == df for every type (floats bit for bit), and the
-- atomic replace: a failed or killed write leaves the old file whole.
local modu = require "modu"
local support = require "spec.support"

local NA = modu.NA
local D = modu.date
local raises = support.raises
-- NaN with either sign, by bits (what 0/0 gives depends on the CPU)
local PNAN = string.unpack("<d", string.pack("<i8", 0x7ff8000000000000))
local NNAN = string.unpack("<d", string.pack("<i8", 0xfff8000000000000))

local slurp = support.slurp

local spit = support.spit

local shq = support.shell_quote

-- a fresh directory for each test that writes files
local dirs = {}
local function tmpdir()
  local p = os.tmpname()
  os.remove(p)
  assert(os.execute("mkdir -p " .. shq(p)))
  dirs[#dirs + 1] = p
  return p
end

local function ls(dir)
  local p = io.popen("ls -A " .. shq(dir))
  local names = {}
  for line in p:lines() do names[#names + 1] = line end
  p:close()
  table.sort(names)
  return names
end

teardown(function()
  for _, d in ipairs(dirs) do os.execute("rm -rf " .. shq(d)) end
end)

-- the interpreter running this spec, for child processes
local LUA = "lua5.4"
do
  local i = -1
  while arg and arg[i - 1] do i = i - 1 end
  if arg and arg[i] then LUA = arg[i] end
end
-- the search paths of this process, made absolute so a child can run elsewhere
local function child_env()
  local p = io.popen("pwd")
  local cwd = p:read("l")
  p:close()
  local function abs(path)
    return (path:gsub("[^;]+", function(t) return t:sub(1, 1) == "/" and t or cwd .. "/" .. t end))
  end
  return ("LUA_PATH=%s LUA_CPATH=%s"):format(shq(abs(package.path)), shq(abs(package.cpath)))
end

-- bit patterns of a float column, so -0.0 and NaN payloads count
local function bits(df, name)
  local out = {}
  for i, x in ipairs(df:col(name):to_table()) do out[i] = x == NA and "NA" or string.pack("<d", x) end
  return out
end

local function roundtrip(df, opts)
  local text = df:to_csv(opts)
  local back = modu.parse_csv(text, opts and { sep = opts.sep, quote = opts.quote, header = opts.header } or nil)
  return back, text
end

describe("to_csv / write_csv: text", function()
  it("quotes only what needs it", function()
    local df = modu.frame({
      { "s", { "plain", "a,b", 'say "hi"', "two\nlines", "cr\rhere", "", "NA", " pad", "x ", "null", "中文" } },
    })
    assert.are.equal('s\nplain\n"a,b"\n"say ""hi"""\n"two\nlines"\n"cr\rhere"\n""\n"NA"\n" pad"\n"x "\n"null"\n中文\n',
      df:to_csv())
  end)

  it("writes NA empty, or as na says, and quotes a string equal to it", function()
    local df = modu.frame({ { "a", { 1, NA, 3 } }, { "s", { "-", NA, "x" } } })
    assert.are.equal("a,s\n1,-\n,\n3,x\n", df:to_csv())
    assert.are.equal('a,s\n1,"-"\n-,-\n3,x\n', df:to_csv({ na = "-" }))
  end)

  it("writes an NA row of a one-column frame as NA, not as a blank line", function()
    local df = modu.frame({ { "a", { 1, NA, 3 } } })
    assert.are.equal("a\n1\nNA\n3\n", df:to_csv())
    assert.is_true(modu.parse_csv(df:to_csv()):equals(df))
  end)

  it("writes bools, dates, and floats that read back as floats", function()
    local df = modu.frame({
      { "b", { true, false } }, { "d", { D "2024-02-29", D "1970-01-01" } },
      { "f", { 1.0, -0.0 } }, { "g", { PNAN, math.huge } }, { "h", { -math.huge, NNAN } },
    })
    assert.are.equal("b,d,f,g,h\ntrue,2024-02-29,1.0,nan,-inf\nfalse,1970-01-01,-0.0,inf,-nan\n", df:to_csv())
  end)

  it("writes the shortest text that reads back", function()
    local df = modu.frame({ { "x", { 0.1, 1 / 3, 5e-324, 2 ^ 53 + 0.0, 123.456 } } })
    assert.are.equal("x\n0.1\n0.3333333333333333\n5e-324\n9007199254740992.0\n123.456\n", df:to_csv())
  end)

  it("takes sep, quote and header", function()
    local df = modu.frame({ { "a b", { "x\ty", "it's" } }, { "n", { 1, 2 } } })
    assert.are.equal('a b\tn\n"x\ty"\t1\nit\'s\t2\n', df:to_csv({ sep = "\t" }))
    assert.are.equal("a b;n\nx\ty;1\n'it''s';2\n", df:to_csv({ sep = ";", quote = "'" }))
    assert.are.equal('"x\ty"\t1\nit\'s\t2\n', df:to_csv({ sep = "\t", header = false }))
  end)

  it("checks its options", function()
    local df = modu.frame({ { "a", { 1 } } })
    raises("to_csv: unknown option 'delim' (options: sep, quote, na, header)", df.to_csv, df, { delim = ";" })
    raises("to_csv: sep must be one character, got ;;", df.to_csv, df, { sep = ";;" })
    raises("to_csv: sep and quote must differ", df.to_csv, df, { sep = "'", quote = "'" })
    raises("to_csv: na must be a string, got number", df.to_csv, df, { na = 0 })
    raises("to_csv: header must be a boolean, got string", df.to_csv, df, { header = "no" })
    raises("write_csv: expected a file path, got nil", df.write_csv, df, nil)
    raises("write_csv: the file path is empty", df.write_csv, df, "")
    raises("to_csv: self must be a modu.Frame, got string (call it with ':')", df.to_csv, "x")
    df:close()
    raises("write_csv: the frame is closed", df.write_csv, df, "/tmp/never.csv")
  end)
end)

describe("read_csv(write_csv(df))", function()
  it("gives back every type with NA, in a file", function()
    local df = modu.frame({
      { "i", { 1, NA, -3, math.maxinteger, math.mininteger } },
      { "f", { 1.5, NA, PNAN, math.huge, NNAN } },
      { "s", { "北京", NA, 'a "q", b', "", "NA" } },
      { "b", { true, NA, false, true, false } },
      { "d", { D "2024-02-29", NA, D "1900-03-01", D "9999-12-31", D "0000-01-01" } },
      { "z", { -0.0, 0.0, 1e308, 5e-324, -2.5e-310 } },
    })
    local path = tmpdir() .. "/all.csv"
    assert.are.equal(df, df:write_csv(path))
    local back = modu.read_csv(path)
    assert.are.same(df:types(), back:types())
    assert.is_true(back:equals(df))
    assert.are.same(bits(df, "f"), bits(back, "f"))
    assert.are.same(bits(df, "z"), bits(back, "z"))
  end)

  it("gives back embedded quotes, separators, line breaks and Chinese text", function()
    local weird = { 'he said "模都"', "a,b;c\td|e", "line\nbreak", "crlf\r\nend", "\r", '"', '""', ",", " ", "🚀 深圳",
      "NULL", "N/A", "null", "-" }
    local df = modu.frame({ { "s", weird }, { "n", modu.range(1, #weird) } })
    for _, opts in ipairs({ {}, { sep = ";" }, { sep = "\t" }, { sep = "|" }, { quote = "'" }, { na = "NA" } }) do
      local back = roundtrip(df, opts)
      assert.are.same(weird, back:col("s"):to_table())
      assert.is_true(back:equals(df))
    end
  end)

  it("gives back random doubles bit for bit, subnormals and extremes included", function()
    local xs = { 1e308, -1e308, 1.7976931348623157e308, 2.2250738585072014e-308, 2.225073858507201e-308,
      4.9406564584124654e-324, -4.9406564584124654e-324, 0.1, 1 / 3, 2 ^ 53 + 0.0, 2 ^ 63 + 0.0, 123456789.125 }
    local seed = 20240601
    local function next01()
      seed = (seed * 6364136223846793005 + 1442695040888963407) & 0x7fffffffffffffff
      return seed
    end
    while #xs < 5000 do
      -- any bit pattern that is a finite double: all exponents, subnormals too
      local x = string.unpack("<d", string.pack("<i8", next01() ~ (next01() << 1)))
      if x == x and x ~= math.huge and x ~= -math.huge then xs[#xs + 1] = x end
    end
    local df = modu.frame({ { "x", xs } })
    local path = tmpdir() .. "/doubles.csv"
    df:write_csv(path)
    local back = modu.read_csv(path)
    assert.are.equal("float", back:types()[1])
    assert.are.same(bits(df, "x"), bits(back, "x"))
  end)

  it("gives back powers of two and ten, their neighbours, whole floats past 2^53 and signed zero", function()
    local function step(x, d) -- the double d steps of the bit pattern away
      return string.unpack("<d", string.pack("<i8", string.unpack("<i8", string.pack("<d", x)) + d))
    end
    local xs = { 0.0, -0.0 }
    for e = -1074, 1023 do
      local p = 2.0 ^ e
      for _, x in ipairs({ p, step(p, 1), e > -1074 and step(p, -1) or nil }) do
        xs[#xs + 1] = x
        xs[#xs + 1] = -x
      end
    end
    for e = -323, 308 do
      local p = tonumber("1e" .. e)
      xs[#xs + 1], xs[#xs + 2], xs[#xs + 3] = p, step(p, 1), step(p, -1)
    end
    for k = 53, 80 do -- whole floats 2^53 .. 2^80 and their neighbours: no integer text, no digit lost
      local p = 2.0 ^ k
      xs[#xs + 1], xs[#xs + 2], xs[#xs + 3], xs[#xs + 4] = p, step(p, 1), step(p, 3), -step(p, -1)
    end
    local df = modu.frame({ { "x", xs } })
    local text = df:to_csv()
    local back = modu.parse_csv(text)
    assert.are.equal("float", back:types()[1])
    assert.are.same(bits(df, "x"), bits(back, "x"))
    -- and each line is the shortest text: one digit fewer, rounded either way, reads back to another double
    for line in text:gmatch("[^\n]+") do
      local m, e = line:match("^%-?(%d[%d.]*)e([-+]%d+)$")
      if m and #m:gsub("%.", "") > 1 then
        local digits = m:gsub("%.", "")
        local x = tonumber(line)
        local shorter = tonumber(digits:sub(1, -2) .. "e" .. (tonumber(e) - #digits + 2))
        local up = tonumber((math.tointeger(tonumber(digits:sub(1, -2))) + 1) .. "e" .. (tonumber(e) - #digits + 2))
        assert.are_not.equal(math.abs(x), shorter, line)
        assert.are_not.equal(math.abs(x), up, line)
      end
    end
  end)

  it("gives back integral floats as floats and text that looks like numbers with types", function()
    local df = modu.frame({ { "f", { 1.0, 2.0, -0.0 } }, { "code", { "007", "1e3", "abc" } } })
    local back = roundtrip(df)
    assert.are.same({ "float", "str" }, back:types())
    assert.are.same(bits(df, "f"), bits(back, "f"))
    assert.are.same({ "007", "1e3", "abc" }, back:col("code"):to_table())
    -- a text column that only holds numbers needs types to come back as text
    local nums = modu.frame({ { "zip", { "007", "010" } } })
    assert.are.same({ "007", "010" }, modu.parse_csv(nums:to_csv(), { types = { zip = "str" } }):col("zip"):to_table())
  end)

  it("gives back header names with quotes, commas, spaces and Chinese", function()
    local df = modu.frame({ { 'a "b"', { 1 } }, { "c,d", { 2 } }, { " e ", { 3 } }, { "城市", { 4 } } })
    assert.are.same(df:names(), roundtrip(df):names())
  end)

  it("gives back dates far from today", function()
    local df = modu.frame({ { "d", { D "0001-01-01", D "2038-01-20", D "1969-12-31" } } })
    local back = roundtrip(df)
    assert.are.equal("date", back:types()[1])
    assert.is_true(back:equals(df))
  end)

  it("writes dates as ISO text for every year 0000..9999", function()
    local want, ds = {}, {}
    local seed = 11
    for i = 1, 3000 do
      seed = (seed * 1103515245 + 12345) % 2147483648
      local y, m = seed % 10000, seed // 10000 % 12 + 1
      local iso = ("%04d-%02d-%02d"):format(y, m, seed // 120000 % 28 + 1)
      want[i], ds[i] = iso, D(iso)
    end
    want[#want + 1], ds[#ds + 1] = "9999-12-31", D "9999-12-31"
    want[#want + 1], ds[#ds + 1] = "0000-01-01", D "0000-01-01"
    local text = modu.frame({ { "d", ds } }):to_csv()
    assert.are.equal("d\n" .. table.concat(want, "\n") .. "\n", text)
  end)

  it("gives back fields longer than the output buffer, quoted or not, in a file and in a string", function()
    local long = ("模都,"):rep(300000) -- 2.1 MB with separators: quoted
    local plain = ("x"):rep(3 * 2 ^ 20)
    local df = modu.frame({ { "a", { long, "short", plain } }, { "n", { 1, 2, 3 } } })
    local path = tmpdir() .. "/long.csv"
    df:write_csv(path)
    assert.is_true(modu.read_csv(path):equals(df))
    assert.is_true(modu.parse_csv(df:to_csv()):equals(df))
  end)

  it("gives back a frame of many rows through a file", function()
    local n = 200000
    local df = modu.frame({
      { "id", modu.range(1, n) }, { "x", modu.random.normal(n, 0, 1e6, 7) },
      { "city", modu.random.choice({ "北京", "上海", "深圳", 'say "x"', "a,b" }, n, 8) },
    })
    local path = tmpdir() .. "/many.csv"
    df:write_csv(path)
    local back = modu.read_csv(path)
    assert.is_true(back:equals(df))
    assert.are.same(bits(df, "x"), bits(back, "x"))
  end)
end)

describe("write_csv: replacing a file", function()
  local df = modu.frame({ { "a", { 1, 2 } }, { "b", { "x", "y" } } })

  it("writes a new file with the usual permissions", function()
    local dir = tmpdir()
    assert(os.execute(("cd %s && umask 022 && %s %s -e %s"):format(shq(dir), child_env(), LUA, shq(
      "require('modu').frame({ { 'a', { 1 } } }):write_csv('new.csv')"))))
    local p = io.popen("stat -c %a " .. shq(dir .. "/new.csv"))
    local mode = p:read("l")
    p:close()
    assert.are.equal("644", mode)
    assert.are.same({ "new.csv" }, ls(dir))
  end)

  it("keeps the permissions of the file it replaces", function()
    local dir = tmpdir()
    local path = dir .. "/old.csv"
    spit(path, "old\n")
    assert(os.execute("chmod 640 " .. shq(path)))
    df:write_csv(path)
    local p = io.popen("stat -c %a " .. shq(path))
    local mode = p:read("l")
    p:close()
    assert.are.equal("640", mode)
    assert.are.equal("a,b\n1,x\n2,y\n", slurp(path))
  end)

  it("replaces the file a symbolic link points to and keeps the link", function()
    local dir = tmpdir()
    spit(dir .. "/real.csv", "old\n")
    assert(os.execute(("ln -s real.csv %s"):format(shq(dir .. "/link.csv"))))
    df:write_csv(dir .. "/link.csv")
    assert.are.equal("a,b\n1,x\n2,y\n", slurp(dir .. "/real.csv"))
    local p = io.popen("readlink " .. shq(dir .. "/link.csv"))
    local target = p:read("l")
    p:close()
    assert.are.equal("real.csv", target)
    assert.are.same({ "link.csv", "real.csv" }, ls(dir))
  end)

  it("writes into a target that is no regular file instead of replacing it", function()
    assert.are.equal(df, df:write_csv("/dev/null"))
    local p = io.popen("stat -c %F /dev/null")
    local kind = p:read("l")
    p:close()
    assert.are.equal("character special file", kind)
  end)

  it("fails on a directory, or a folder that does not exist, and leaves nothing behind", function()
    local dir = tmpdir()
    assert(os.execute("mkdir " .. shq(dir .. "/sub")))
    raises("write_csv: " .. dir .. "/sub: it is a directory", df.write_csv, df, dir .. "/sub")
    raises("write_csv: " .. dir .. "/none/x.csv: cannot create a temporary file beside it: No such file or directory",
      df.write_csv, df, dir .. "/none/x.csv")
    assert.are.same({ "sub" }, ls(dir))
  end)

  it("keeps the old file whole and removes its temporary file when a write fails", function()
    local dir = tmpdir()
    local path = dir .. "/t.csv"
    spit(path, "the old file\n")
    -- the file size limit (ulimit -f, in 512-byte blocks) makes write() fail with EFBIG
    local script = ([[
      local modu = require "modu"
      local df = modu.frame({ { "x", modu.range(1, 200000) } })
      local ok, err = pcall(df.write_csv, df, %q)
      io.write(ok and "wrote" or err)
    ]]):format(path)
    local p = io.popen(("ulimit -f 64; trap '' XFSZ; %s %s -e %s 2>&1"):format(child_env(), LUA, shq(script)))
    local out = p:read("a")
    p:close()
    assert.matches("^write_csv: " .. path:gsub("%p", "%%%0") .. ": write failed: File too large", out)
    assert.are.equal("the old file\n", slurp(path))
    assert.are.same({ "t.csv" }, ls(dir))
  end)

  it("leaves the old file or the whole new one when the writer is killed mid-write", function()
    local dir = tmpdir()
    local path = dir .. "/big.csv"
    local old = "id,x\n1,old\n"
    spit(path, old)
    local n = 3000000
    local script = ([[
      local modu = require "modu"
      local n = %d
      local df = modu.frame({ { "id", modu.range(1, n) }, { "x", modu.random.uniform(n, 0, 1, 3) } })
      io.stdout:write("ready\n")
      io.stdout:flush()
      df:write_csv(%q)
      io.stdout:write("done\n")
    ]]):format(n, path)
    local p = io.popen(("%s %s -e %s & echo $!; wait"):format(child_env(), LUA, shq(script)))
    local pid = assert(math.tointeger(tonumber(p:read("l"))), "child pid")
    assert.are.equal("ready", p:read("l"))
    -- wait until the temporary file is there and growing, then kill
    local killed = false
    for _ = 1, 400 do
      local tmp = ls(dir)
      if #tmp == 2 then
        local t = io.popen("stat -c %s " .. shq(dir) .. "/big.csv.tmp-* 2>/dev/null")
        local size = tonumber(t:read("l") or "0") or 0
        t:close()
        if size > 0 then
          os.execute("kill -9 " .. pid)
          killed = true
          break
        end
      end
      os.execute("sleep 0.02")
    end
    local rest = p:read("a")
    p:close()
    local now = slurp(path)
    if killed and not rest:find("done") then
      assert.are.equal(old, now) -- killed before the rename: the old file is untouched
    else
      local back = modu.read_csv(path)  -- finished first: the new file is complete
      assert.are.equal(n, #back)
    end
    -- a killed writer cannot remove its temporary file; nothing else is left
    for _, name in ipairs(ls(dir)) do
      assert.is_true(name == "big.csv" or name:find("^big%.csv%.tmp%-") ~= nil, name)
    end
  end)
end)
