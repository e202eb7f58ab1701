-- The report of modu.report in its three forms: the HTML page is well-formed
-- XML (xmllint reads the page and each inline SVG on its own) and has every
-- chart; the Markdown has every section; the terminal tables line up.
local modu = require "modu"
local support = require "spec.support"
local data = require "modu.data"
local report = require "modu.report"

local width = modu.text.width

-- Children must not inherit `make asan`'s preloaded ASan runtime: xmllint is
-- not what that run checks, and LeakSanitizer would fail it at exit.
local CLEAN_ENV = "exec env -u LD_PRELOAD -u ASAN_OPTIONS -u LSAN_OPTIONS -u UBSAN_OPTIONS "

local function q(s) return "'" .. s:gsub("'", [['\'']]) .. "'" end

local function run(cmd)
  local p = assert(io.popen(cmd .. " 2>&1"))
  local out = p:read "a"
  local ok = p:close()
  return ok == true, out
end

local write = support.spit

local SECTIONS = {
  "Who is winning, by which measure", "AI-related enterprises, 2016 and 2023", "Growth 2016–2023",
  "When Shenzhen overtook Beijing", "Output value and concentration", "Cities and their champions",
  "Policy and event timeline", "Compute centers, July–August", "The Modu index", "How sure: rank uncertainty",
  "What the article claims, checked", "What the data cannot tell",
}

describe("the report", function()
  local r, tmp
  setup(function()
    local db <close> = modu.open()
    local t = data.tables(db)
    r = report.compute(t, data.check(t))
    tmp = os.tmpname()
    os.remove(tmp)
    assert(os.execute("mkdir -p " .. q(tmp)))
  end)
  teardown(function()
    if tmp and tmp:match("^/tmp/") then os.execute("rm -rf " .. q(tmp)) end
  end)

  describe("as HTML", function()
    local html, page
    setup(function()
      html = report.html(r)
      page = tmp .. "/report.html"
      write(page, html)
    end)

    -- xmllint's output without the newline some versions end --xpath results with
    local function xmllint(args)
      local ok, out = run(CLEAN_ENV .. "xmllint " .. args)
      return ok, (out:gsub("\n$", ""))
    end

    it("is one well-formed XML document", function()
      local ok, out = xmllint("--noout " .. q(page))
      assert.is_true(ok, "xmllint: " .. out)
      assert.are.equal("", out)
      assert.matches("^<!DOCTYPE html>\n<html", html)
    end)

    it("has four inline SVG charts, each well-formed on its own", function()
      local n = 0
      for svg in html:gmatch("<svg.-</svg>") do
        n = n + 1
        local path = ("%s/chart%d.svg"):format(tmp, n)
        write(path, svg)
        local ok, out = xmllint("--xpath 'name(/*)' " .. q(path))
        assert.is_true(ok, "chart " .. n .. ": " .. out)
        assert.are.equal("svg", out)
      end
      assert.are.equal(4, n)
      local ok, out = xmllint([[--xpath "count(//*[local-name()='svg'])" ]] .. q(page))
      assert.is_true(ok, out)
      assert.are.equal("4", out)
    end)

    it("titles the charts: enterprises 2016 vs 2023, output value, index rank intervals, timeline", function()
      local ok, out = xmllint([[--xpath "//*[local-name()='svg']/*[local-name()='title']/text()" ]] .. q(page))
      assert.is_true(ok, out)
      assert.are.equal(table.concat({ "AI-related enterprises per city", "AI-related output value (yuan)",
        "Dated events", "Modu index: rank intervals (5-95 %)" }, "\n"), out)
    end)

    it("draws the figures in the charts", function()
      local function xp(expr)
        local ok, out = xmllint(("--xpath %s %s"):format(q(expr), q(page)))
        assert.is_true(ok, expr .. ": " .. out)
        return out
      end
      -- enterprises: five bars (three in 2016, two in 2023), Shanghai's 2023 marked as missing
      assert.are.equal("5", xp("count(//*[local-name()='svg'][1]/*[local-name()='rect']/*[local-name()='title'])"))
      assert.matches("shenzhen 2023: 63800", html, 1, true)
      assert.matches("beijing 2016: 39800", html, 1, true)
      assert.matches("NA (not in the article)", html, 1, true)
      -- output value: three bars
      assert.are.equal("3", xp("count(//*[local-name()='svg'][2]/*[local-name()='rect']/*[local-name()='title'])"))
      assert.matches("shanghai output value: 382100000000", html, 1, true)
      -- timeline: the three events with a full date
      assert.are.equal("3", xp("count(//*[local-name()='svg'][3]/*[local-name()='circle'])"))
      for _, d in ipairs({ "2017-11-17", "2017-12-29", "2018-05-11" }) do assert.matches(d .. "  ", html, 1, true) end
      -- rank intervals: one dot per ranked city
      assert.are.equal("3", xp("count(//*[local-name()='svg'][4]/*[local-name()='circle'])"))
      assert.matches("shenzhen: median rank 1", html, 1, true)
    end)

    it("is self-contained: no scripts, no stylesheets or images fetched", function()
      assert.is_nil(html:find("<script", 1, true))
      assert.is_nil(html:find("<link", 1, true))
      assert.is_nil(html:find("<img", 1, true))
      assert.is_nil(html:find("src=", 1, true))
      local rest = html:gsub('xmlns="http://www%.w3%.org/2000/svg"', "")
      assert.is_nil(rest:find("https?://"))
    end)

    it("has every section as a heading", function()
      for _, s in ipairs(SECTIONS) do
        assert.matches("<h2>" .. s:gsub("'", "&#39;") .. "</h2>", html, 1, true)
      end
    end)

    it("escapes the text it quotes", function()
      assert.matches("the article&#39;s &quot;within 6 years&quot;", html, 1, true)
      assert.is_nil(html:find('"within 6 years"', 1, true))
    end)
  end)

  describe("as Markdown", function()
    local md
    setup(function() md = report.markdown(r) end)

    it("has every section, in order", function()
      local at = 0
      for _, s in ipairs(SECTIONS) do
        local i = md:find("\n## " .. s .. "\n", 1, true)
        assert.is_not_nil(i, s)
        assert.is_true(i > at, s .. " is out of order")
        at = i
      end
    end)

    it("writes tables whose rows have as many cells as their header", function()
      local tables, cells = 0, nil
      for line in (md .. "\n"):gmatch("(.-)\n") do
        if line:match("^|") then
          local n = select(2, line:gsub("\\|", ""):gsub("|", "|")) - 1
          if not cells then
            cells, tables = n, tables + 1
          else
            assert.are.equal(cells, n, line)
          end
        else
          cells = nil
        end
      end
      assert.are.equal(11, tables)
    end)

    it("states the headline figures", function()
      assert.matches("Shenzhen leads in 2023 (63800 firms against Beijing's 47800", md, 1, true)
      assert.matches("Shanghai leads (382.1 billion yuan, 44.5% of the 3 cities' total)", md, 1, true)
      assert.matches("63800 − 36100 = 27700", md, 1, true)
    end)
  end)

  describe("in the terminal", function()
    local txt, lines
    setup(function()
      txt = report.text(r)
      lines = {}
      for line in (txt .. "\n"):gmatch("(.-)\n") do lines[#lines + 1] = line end
    end)

    it("prints every frame with all its lines of one display width", function()
      local frames = 0
      for i, line in ipairs(lines) do
        local n = line:match("^%[(%d+) rows? × %d+ columns?%]$")
        if n then
          frames = frames + 1
          n = tonumber(n)
          -- the header, the types and the n rows above the footer
          local w = width(lines[i - n - 2])
          assert.is_true(w > 10)
          for k = i - n - 1, i - 1 do
            assert.are.equal(w, width(lines[k]), ("frame %d, line %q"):format(frames, lines[k]))
          end
          assert.matches("^%s+<", lines[i - n - 1])   -- the types line: the block was found whole
        end
      end
      assert.are.equal(11, frames)
    end)

    it("lines up Chinese names by display width, not bytes", function()
      local beijing, hangzhou
      for _, line in ipairs(lines) do
        if line:match("^%d+%s+beijing%s+北京") then beijing = line end
        if line:match("^%d+%s+hangzhou%s+杭州") then hangzhou = line end
      end
      assert.is_not_nil(beijing)
      assert.is_not_nil(hangzhou)
      local function col_of(line, s) return width(line:sub(1, line:find(s, 1, true) - 1)) end
      assert.are.equal(col_of(beijing, "北京"), col_of(hangzhou, "杭州"))
      assert.are.equal(width(beijing), width(hangzhou))
      assert.are_not.equal(#beijing - width(beijing), 0)   -- 汉字: 3 bytes, 2 columns
    end)

    it("starts every bar chart's values in one column", function()
      local groups, prev = {}, false
      for _, line in ipairs(lines) do
        local bar = line:find("█", 1, true) ~= nil
        if bar then
          if not prev then groups[#groups + 1] = {} end
          local g = groups[#groups]
          g[#g + 1] = line
        end
        prev = bar
      end
      assert.are.equal(2, #groups)   -- 2023 enterprises, output value
      for _, g in ipairs(groups) do
        local col
        for _, line in ipairs(g) do
          local prefix = line:match("^(.-)%d[%d%.]*%s?%a*$")
          assert.is_not_nil(prefix, line)
          col = col or width(prefix)
          assert.are.equal(col, width(prefix), line)
        end
      end
    end)

    it("has every section", function()
      for _, s in ipairs(SECTIONS) do assert.matches("\n== " .. s .. "\n", "\n" .. txt, 1, true) end
    end)

    it("gives the claims' evidence in full after the table, which cuts it", function()
      assert.matches("\n  shenzhen_addition: 2023 63800 − 2016 36100 = 27700; the article says 42600\n", txt, 1, true)
      assert.matches("\n  half_year_to_anhui_plan: 2017-12-29 to 2018-05-11: 133 days", txt, 1, true)
    end)
  end)
end)
