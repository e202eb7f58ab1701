-- modu.text, Unicode side: normalization forms, case, width, graphemes, match
-- keys, validation, and the str methods of modu.Column.
local modu = require "modu"
local support = require "spec.support"

local T = modu.text
local NA = modu.NA
local raises = support.raises

local function codepoints(s)
  local t = {}
  for _, c in utf8.codes(s) do t[#t + 1] = ("U+%04X"):format(c) end
  return table.concat(t, " ")
end

describe("text.normalize", function()
  it("composes and decomposes Å (U+00C5 vs A + U+030A)", function()
    local composed, decomposed = "\u{C5}", "A\u{30A}"
    assert.are.equal(composed, T.normalize(decomposed, "NFC"))
    assert.are.equal(composed, T.normalize(decomposed)) -- NFC is the default
    assert.are.equal(decomposed, T.normalize(composed, "NFD"))
    -- the Ångström sign is a singleton: every form maps it to U+00C5
    assert.are.equal(composed, T.normalize("\u{212B}", "NFC"))
  end)

  it("keeps the ﬁ ligature in NFC/NFD and splits it in NFKC/NFKD", function()
    assert.are.equal("\u{FB01}", T.normalize("\u{FB01}", "NFC"))
    assert.are.equal("\u{FB01}", T.normalize("\u{FB01}", "NFD"))
    assert.are.equal("fi", T.normalize("\u{FB01}", "NFKC"))
    assert.are.equal("fi", T.normalize("\u{FB01}", "NFKD"))
  end)

  it("decomposes Hangul syllables into jamo and composes them back", function()
    local han = "한국어"
    local nfd = T.normalize(han, "NFD")
    assert.are.equal("U+1112 U+1161 U+11AB U+1100 U+116E U+11A8 U+110B U+1165", codepoints(nfd))
    assert.are.equal(han, T.normalize(nfd, "NFC"))
  end)

  it("folds full-width letters and digits under NFKC only", function()
    assert.are.equal("ABC123", T.normalize("ＡＢＣ１２３", "NFKC"))
    assert.are.equal("ＡＢＣ１２３", T.normalize("ＡＢＣ１２３", "NFC"))
    assert.are.equal("abc123", T.normalize("ＡＢＣ１２３", "NFKC_Casefold"))
  end)

  it("orders combining marks canonically (dot below before dot above)", function()
    -- dot above (ccc 230) and dot below (ccc 220) swap; NFC then composes d + dot below
    assert.are.equal("d\u{323}\u{307}", T.normalize("\u{1E0B}\u{323}", "NFD"))
    assert.are.equal("\u{1E0D}\u{307}", T.normalize("d\u{307}\u{323}", "NFC"))
  end)

  -- every form on every standard example, as code points: compatibility forms
  -- split the ligature and fold full width, canonical ones keep both; the
  -- composed and decomposed Å and 한 meet in each form; Casefold lowers too
  local FORMS = { "NFC", "NFD", "NFKC", "NFKD", "NFKC_Casefold" }
  local EXAMPLES = {
    { "\u{FB01}", { "U+FB01", "U+FB01", "U+0066 U+0069", "U+0066 U+0069", "U+0066 U+0069" } },
    { "\u{C5}", { "U+00C5", "U+0041 U+030A", "U+00C5", "U+0041 U+030A", "U+00E5" } },
    { "A\u{30A}", { "U+00C5", "U+0041 U+030A", "U+00C5", "U+0041 U+030A", "U+00E5" } },
    { "\u{212B}", { "U+00C5", "U+0041 U+030A", "U+00C5", "U+0041 U+030A", "U+00E5" } },
    { "\u{D55C}", { "U+D55C", "U+1112 U+1161 U+11AB", "U+D55C", "U+1112 U+1161 U+11AB", "U+D55C" } },
    { "\u{1112}\u{1161}\u{11AB}", { "U+D55C", "U+1112 U+1161 U+11AB", "U+D55C", "U+1112 U+1161 U+11AB", "U+D55C" } },
    { "\u{FF21}\u{FF11}", { "U+FF21 U+FF11", "U+FF21 U+FF11", "U+0041 U+0031", "U+0041 U+0031", "U+0061 U+0031" } },
    { "\u{FF76}\u{FF9E}", -- half-width katakana ga: compatibility forms give the full-width letter
      { "U+FF76 U+FF9E", "U+FF76 U+FF9E", "U+30AC", "U+30AB U+3099", "U+30AC" } },
  }

  it("gives each form's result on the standard examples (ﬁ, Å, 한, full and half width)", function()
    for _, ex in ipairs(EXAMPLES) do
      for k, form in ipairs(FORMS) do
        assert.are.equal(ex[2][k], codepoints(T.normalize(ex[1], form)), codepoints(ex[1]) .. " " .. form)
      end
    end
  end)

  it("is idempotent and leaves NFC text of the article unchanged under NFC", function()
    for _, s in ipairs({ "Xī'ān", "科大讯飞 iFLYTEK", "382,1 miliar yuan", "한국어", "Zürich" }) do
      assert.are.equal(s, T.normalize(s, "NFC"))
      for _, form in ipairs(FORMS) do
        local once = T.normalize(s, form)
        assert.are.equal(once, T.normalize(once, form), s .. " " .. form)
      end
    end
  end)

  it("accepts the form name in any case and rejects unknown ones", function()
    assert.are.equal("fi", T.normalize("\u{FB01}", "nfkc"))
    raises("normalize: unknown form 'NFX' (forms: NFC, NFD, NFKC, NFKD, NFKC_Casefold)", T.normalize, "a", "NFX")
    raises("normalize: form must be a string", T.normalize, "a", 3)
    raises("normalize: argument 1 must be a string, got nil", T.normalize, nil)
    raises("normalize: invalid UTF-8 at byte 2", T.normalize, "a\xff")
  end)
end)

describe("text case mapping", function()
  it("folds case fully: ß to ss, and Σ/σ/ς alike", function()
    assert.are.equal("strasse", T.casefold("Straße"))
    assert.are.equal(T.casefold("ΟΔΟΣ"), T.casefold("οδος"))
    assert.are.equal(T.casefold("οδοσ"), T.casefold("οδος"))
  end)

  it("uppercases with the one-to-many mappings", function()
    assert.are.equal("STRASSE", T.upper("straße"))
    assert.are.equal("FIRE", T.upper("\u{FB01}re"))
  end)

  it("lowercases a word-final sigma to ς", function()
    assert.are.equal("σας οδος", T.lower("ΣΑΣ ΟΔΟΣ"))
    assert.are.equal("i\u{307}stanbul", T.lower("İstanbul"))
  end)

  it("is right where string.lower is not", function()
    assert.are.equal("ÉCOLE", ("ÉCOLE"):lower():upper()) -- bytes only: É untouched
    assert.are.equal("école", T.lower("ÉCOLE"))
    assert.are.equal("ÉCOLE", T.upper("école"))
  end)
end)

describe("text.width", function()
  it("counts CJK as 2 columns and Latin as 1", function()
    assert.are.equal(4, T.width("深圳"))
    assert.are.equal(8, T.width("Shenzhen"))
    assert.are.equal(10, T.width("合肥 Hefei"))
    assert.are.equal(6, T.width("ＡＢＣ"))
  end)

  it("gives combining marks no column", function()
    assert.are.equal(1, T.width("e\u{301}"))
    assert.are.equal(5, T.width("Xi\u{304}'a\u{304}n"))
    assert.are.equal(2, T.width(T.normalize("한", "NFD")))
  end)

  it("measures emoji sequences one cluster at a time", function()
    assert.are.equal(2, T.width("😀"))
    assert.are.equal(2, T.width("👨\u{200D}👩\u{200D}👧")) -- ZWJ family
    assert.are.equal(2, T.width("👍🏽")) -- skin tone modifier
    assert.are.equal(2, T.width("❤\u{FE0F}")) -- emoji presentation
    assert.are.equal(1, T.width("❤"))
    assert.are.equal(2, T.width("🇨🇳")) -- flag: two regional indicators
  end)

  it("measures a modifier or selector by what it follows", function()
    assert.are.equal(2, T.width("👨\u{200D}👩\u{200D}👧\u{200D}👦")) -- four people, one cluster
    assert.are.equal(2, T.width("👩🏽\u{200D}💻")) -- skin tone inside a ZWJ sequence
    -- a keycap counts as its digit, as wcwidth-based terminals draw it, so that a
    -- selector after a digit measures the same in a printed escape (\xa4) as alone
    assert.are.equal(1, T.width("1\u{FE0F}\u{20E3}"))
    assert.are.equal(T.width("4") + T.width("\u{FE0F}"), T.width("4\u{FE0F}"))
    assert.are.equal(2, T.width("\u{A9}\u{FE0F}")) -- © with emoji presentation
    assert.are.equal(4, T.width("🇨🇳🇮🇩"))
    assert.are.equal(3, T.width("🇨🇳🇮")) -- a lone regional indicator is a letter of its own
    -- with no emoji before them: a skin-tone swatch shows alone, a selector is invisible
    assert.are.equal(2, T.width("\u{1F3FD}"))
    assert.are.equal(3, T.width("a\u{1F3FD}"))
    assert.are.equal(0, T.width("\u{FE0F}"))
    assert.are.equal(1, T.width("a\u{FE0F}"))
    -- combining marks on CJK and Hangul jamo sequences of each length
    assert.are.equal(2, T.width("北\u{301}"))
    assert.are.equal(2, T.width("\u{1112}\u{1161}"))
    assert.are.equal(4, T.width("\u{1112}\u{1161}\u{11AB}\u{1100}\u{116E}\u{11A8}"))
  end)

  it("widens East Asian Ambiguous characters on request", function()
    assert.are.equal(1, T.width("±"))
    assert.are.equal(2, T.width("±", { ambiguous = 2 }))
    assert.are.equal(4, T.width("“ok”", { ambiguous = 1 }))
    assert.are.equal(6, T.width("“ok”", { ambiguous = 2 }))
    raises("width: ambiguous must be 1 or 2", T.width, "x", { ambiguous = 3 })
    raises("width: unknown option 'amb' (options: ambiguous)", T.width, "x", { amb = 2 })
  end)
end)

describe("text.truncate", function()
  it("cuts at a grapheme boundary and adds an ellipsis", function()
    assert.are.equal("深圳市…", T.truncate("深圳市人工智能", 7))
    assert.are.equal("深圳市人工智能", T.truncate("深圳市人工智能", 14))
    assert.are.equal("Shen...", T.truncate("Shenzhen", 7, "..."))
  end)

  it("never splits a grapheme cluster, at any width", function()
    local s = "a👨\u{200D}👩\u{200D}👧e\u{301}深🇨🇳x👍🏽\u{1112}\u{1161}\u{11AB}❤\u{FE0F}북"
    local clusters = T.split_graphemes(s)
    local starts = {}
    local at = 0
    for _, g in ipairs(clusters) do
      starts[at] = true
      at = at + #g
    end
    for w = 1, T.width(s) do
      local cut = T.truncate(s, w, "")
      assert.is_true(starts[#cut] or #cut == #s, ("width %d cut inside a cluster: %q"):format(w, cut))
      assert.is_true(T.width(cut) <= w)
    end
  end)

  it("refuses a width too small for the ellipsis", function()
    raises("truncate: width 1 leaves no room for the ellipsis '...' (3 columns)", T.truncate, "abcdef", 1, "...")
    raises("truncate: width must be a non-negative integer, got -1", T.truncate, "abc", -1)
  end)
end)

describe("graphemes, len and category", function()
  it("iterates clusters with byte spans", function()
    local got = {}
    for g, i, j in T.graphemes("ae\u{301}深") do got[#got + 1] = ("%s:%d-%d"):format(g, i, j) end
    assert.are.same({ "a:1-1", "e\u{301}:2-4", "深:5-7" }, got)
    assert.are.equal(3, T.grapheme_count("ae\u{301}深"))
  end)

  it("counts code points, not bytes", function()
    assert.are.equal(2, T.len("深圳"))
    assert.are.equal(6, #"深圳")
    assert.are.equal(3, T.len("e\u{301}x"))
  end)

  it("names the general category of the i-th code point", function()
    assert.are.equal("Lu", T.category("Å1深", 1))
    assert.are.equal("Nd", T.category("Å1深", 2))
    assert.are.equal("Lo", T.category("Å1深", 3))
    assert.are.equal("Lo", T.category("Å1深", -1))
    assert.are.equal("Mn", T.category("e\u{301}", 2))
    raises("category: code point 4 is out of range (the text has 3)", T.category, "Å1深", 4)
  end)

  it("strips marks: Xī'ān becomes Xi'an", function()
    assert.are.equal("Xi'an", T.strip_marks("Xī'ān"))
    assert.are.equal("Xi'an", T.strip_marks(T.normalize("Xī'ān", "NFD")))
    assert.are.equal("深圳", T.strip_marks("深圳"))
  end)
end)

describe("is_valid and sanitize", function()
  it("reports the first bad byte", function()
    assert.is_true(T.is_valid("深圳"))
    local ok, at = T.is_valid("ab\xC3(")
    assert.is_false(ok)
    assert.are.equal(3, at)
    assert.is_false((T.is_valid("\xED\xA0\x80"))) -- a surrogate
    assert.is_false((T.is_valid("\xC0\xAF"))) -- overlong
  end)

  it("replaces each maximal bad subpart with one U+FFFD", function()
    assert.are.equal("a\u{FFFD}b", T.sanitize("a\xFFb"))
    assert.are.equal("a\u{FFFD}", T.sanitize("a\xE6\xB7")) -- a cut-off 深
    assert.are.equal("\u{FFFD}\u{FFFD}", T.sanitize("\xC0\xAF"))
    assert.are.equal("深圳", T.sanitize("深圳"))
  end)
end)

describe("text.key", function()
  it("gives Xi'an, XI’AN, Xi’an and Xī'ān one key", function()
    local k = T.key("Xi'an")
    assert.are.equal("xi'an", k)
    for _, v in ipairs({ "XI’AN", "Xi’an", "Xī'ān", "  xi\u{2032}an ", "Xi`an" }) do
      assert.are.equal(k, T.key(v), v)
    end
  end)

  it("equates full-width ＡＢＣ１２３ with abc123", function()
    assert.are.equal(T.key("abc123"), T.key("ＡＢＣ１２３"))
  end)

  it("unifies dashes, quotes and spaces and collapses runs", function()
    assert.are.equal(T.key("Hefei-Anhui"), T.key("Hefei\u{2013}Anhui"))
    assert.are.equal(T.key("Hefei-Anhui"), T.key("Hefei\u{2212}Anhui"))
    assert.are.equal('china "voice" valley', T.key("China  “Voice”\u{3000}Valley\t"))
    assert.are.equal("china voice valley", T.key("China\u{A0}Voice\u{200B} Valley"))
  end)

  it("keeps Chinese text and folds compatibility forms", function()
    assert.are.equal("科大讯飞", T.key("科大讯飞"))
    assert.are.equal("mhz", T.key("\u{3392}")) -- ㎒
  end)
end)

describe("str column methods", function()
  local col = modu.column({ "Xi'an", "XI’AN", NA, "深圳", "Straße", "Xi'an" })

  it("key() maps each distinct string once and keeps NA", function()
    local k = col:key()
    assert.are.same({ "xi'an", "xi'an", NA, "深圳", "strasse", "xi'an" }, k:to_table())
  end)

  it("casefold() and normalize()", function()
    assert.are.equal("strasse", col:casefold()[5])
    local n = modu.column({ "A\u{30A}", "\u{FB01}" }):normalize("NFKC")
    assert.are.same({ "\u{C5}", "fi" }, n:to_table())
    raises("normalize: unknown form 'X'", function() return col:normalize("X") end)
  end)

  it("width() in terminal columns", function()
    assert.are.same({ 5, 5, NA, 4, 6, 5 }, col:width():to_table())
  end)

  it("contains() bytewise, or by match key with fold", function()
    assert.are.same({ true, false, NA, false, false, true }, col:contains("Xi'"):to_table())
    assert.are.same({ true, true, NA, false, false, true }, col:contains("xi’", { fold = true }):to_table())
    assert.are.same({ false, false, NA, false, true, false }, col:contains("SS", { fold = true }):to_table())
  end)

  it("starts_with() and ends_with()", function()
    assert.are.same({ true, true, NA, false, false, true }, col:starts_with("XI", { fold = true }):to_table())
    assert.are.same({ false, false, NA, true, false, false }, col:ends_with("圳"):to_table())
  end)

  it("replace() every occurrence of plain text", function()
    local r = modu.column({ "China Sound Valley", "a.b.c", NA }):replace("Sound", "Voice")
    assert.are.same({ "China Voice Valley", "a.b.c", NA }, r:to_table())
    assert.are.equal("a--b--c", modu.column({ "a.b.c" }):replace(".", "--")[1])
  end)

  it("refuses non-str columns and bad arguments, naming them", function()
    raises("key: needs a str column, got int", function() return modu.column({ 1, 2 }):key() end)
    raises("contains: argument 2 must be a string, got number", function() return col:contains(5) end)
    raises("contains: unknown option 'fol' (options: fold)", function() return col:contains("x", { fol = true }) end)
    raises("replace: the pattern must not be empty", function() return col:replace("", "x") end)
  end)
end)

describe("printing mixed Chinese, Indonesian and English cells", function()
  it("gives every table line the same display width", function()
    local df = modu.frame({
      { "kota", { "北京", "Shenzhen", "上海 Shanghai", "合肥", "Xī'ān" } },
      { "catatan", { "39.800 perusahaan", "深圳市人工智能", "382,1 miliar yuan", "China Voice Valley", "科大讯飞" } },
      { "n", { 39800, 36100, 26500, NA, 12 } },
    })
    local lines = {}
    for line in (tostring(df) .. "\n"):gmatch("(.-)\n") do
      if not line:match("^%[%d+ rows?") then lines[#lines + 1] = line end
    end
    assert.is_true(#lines >= 7)
    local w = T.width(lines[1])
    for k, line in ipairs(lines) do
      assert.are.equal(w, T.width(line), ("line %d: %q"):format(k, line))
    end
  end)
end)

describe("pad and split_graphemes", function()
  it("pads to display width", function()
    assert.are.equal("深圳  ", T.pad("深圳", 6))
    assert.are.equal("  深圳", T.pad("深圳", 6, "right"))
    assert.are.equal(" 深圳 ", T.pad("深圳", 6, "center"))
    raises("pad: unknown align 'middle'", T.pad, "x", 3, "middle")
  end)
end)
