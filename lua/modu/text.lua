--- modu.text: Unicode-correct text through utf8proc, and numbers and dates read
-- from prose. The functions live in C (modu.core.text); this file documents
-- them and adds conveniences built on them, never a second implementation.
-- @module modu.text
local core = require "modu.core"

local text = core.text

--- Functions implemented in C (see csrc/ltext.c):
-- @function normalize `normalize(s [, form])`: form is NFC (default), NFD, NFKC, NFKD or NFKC_Casefold
-- @function casefold full Unicode case folding (`"Straße"` → `"strasse"`)
-- @function lower full lowercase (final sigma: `"ΟΔΟΣ"` → `"οδος"`)
-- @function upper full uppercase (`"straße"` → `"STRASSE"`)
-- @function width `width(s [, { ambiguous = 1|2 }])`: terminal columns, per grapheme cluster
-- @function truncate `truncate(s, width [, ellipsis = "…" [, { ambiguous }]])`: cut at a grapheme boundary
-- @function graphemes `for g, i, j in graphemes(s)`: clusters with their byte spans
-- @function grapheme_count number of grapheme clusters
-- @function len number of code points
-- @function strip_marks `"Xī'ān"` → `"Xi'an"`
-- @function is_valid true, or false and the first bad byte
-- @function sanitize invalid bytes become U+FFFD
-- @function category `category(s [, i = 1])`: general category ("Lu", "Nd", ...) of code point i
-- @function key match key: NFKC_Casefold, marks stripped, dashes/quotes/spaces unified, spaces collapsed
-- @function similarity `similarity(a, b [, "dl"|"trigram"])` in [0, 1]
-- @function distance Damerau–Levenshtein (OSA) distance in code points
-- @function parse_number `parse_number(s [, { locale, skip_invalid }])` → value, unit, start, stop
-- @function parse_numbers every number of a passage: { { value, unit, start, stop, text }, ... }
-- @function parse_date `parse_date(s [, { locale, year }])` → first day, precision, last day, parts
-- @function parse_dates every date of a passage: { { date, precision, last, start, stop, text, ... }, ... }

--- str methods of modu.Column (csrc/ltext.c), each mapping every distinct string once:
-- `col:normalize([form])`, `col:casefold()`, `col:key()`, `col:strip_marks()`,
-- `col:width([{ ambiguous }])` (an int column), `col:contains(text [, { fold = true }])`,
-- `col:starts_with(text [, opts])`, `col:ends_with(text [, opts])` (bool columns; plain
-- text, not Lua patterns; `fold` compares match keys, so spaces at the ends of `text`
-- do not count), and `col:replace(text, replacement)` (every occurrence, plain text).
-- NA stays NA throughout.

--- The grapheme clusters of s as an array.
-- @tparam string s valid UTF-8
-- @treturn {string,...}
function text.split_graphemes(s)
  local t = {}
  for g in text.graphemes(s) do t[#t + 1] = g end
  return t
end

--- Pads s with spaces to `width` terminal columns (never cuts it).
-- @tparam string s valid UTF-8
-- @tparam integer width
-- @tparam[opt="left"] string align "left", "right" or "center"
-- @tparam[opt] table opts `{ ambiguous = 1|2 }`, as for width
-- @treturn string
function text.pad(s, width, align, opts)
  if math.type(width) ~= "integer" then
    error(("pad: width must be an integer, got %s"):format(type(width)), 2)
  end
  align = align or "left"
  local w = text.width(s, opts)
  local room = width - w
  if room <= 0 then return s end
  if align == "left" then return s .. (" "):rep(room) end
  if align == "right" then return (" "):rep(room) .. s end
  if align == "center" then
    local l = room // 2
    return (" "):rep(l) .. s .. (" "):rep(room - l)
  end
  error(("pad: unknown align '%s' (aligns: left, right, center)"):format(tostring(align)), 2)
end

return text
