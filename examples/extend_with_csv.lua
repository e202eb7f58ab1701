-- Adding your own figures: reads a CSV of further city figures, adds them to
-- the dataset with db:add (names in any language, units and a source checked
-- row by row) and reruns the Modu index on the enlarged tables.
--   lua5.4 examples/extend_with_csv.lua [path/to/figures.csv]
-- The figures in examples/data/extra_cities.csv are made up to show the
-- mechanics; they are not facts about any city (their source column says so).
local modu = require "modu"
local report = require "modu.report"

-- the CSV beside this script, so the example runs from any directory
local here = (arg and arg[0] or ""):match("^(.*)/[^/]*$") or "."
local path = arg and arg[1] or (here .. "/data/extra_cities.csv")

local db <close> = modu.open()

-- the index alone (the rank intervals are the report's business)
local function index_of(t)
  return (report.modu_index(t, { draws = 200 }))
end

local before = index_of(modu.data.tables(db))
print("The Modu index on the article's figures alone:")
print(before)

local extra = modu.read_csv(path)
print(("\nFigures to add (%s):"):format(path))
print(extra:select("entity", "indicator", "year", "value", "unit", "kind"))
print("source: " .. tostring(extra.source[1]))

local n = db:add("metrics", extra)
print(("\nadded %d rows to metrics"):format(n))

local t = modu.data.tables(db)
print("\nThe table the index is built on, with the added cities:")
print(report.index_table(t))

local after = index_of(t)
print("\nThe Modu index with the added figures:")
print(after)

-- a rank per city, before and after, side by side
local rank0 = {}
for _, r in ipairs(before:frame():to_rows()) do rank0[r.city] = r.rank end
local cities, r0, r1 = {}, {}, {}
for i, r in ipairs(after:frame():to_rows()) do
  cities[i], r0[i], r1[i] = r.city, rank0[r.city] == nil and modu.NA or rank0[r.city], r.rank
end
print("\nRank before and after:")
print(modu.frame({ { "city", cities }, { "rank_before", modu.column(r0, "int") },
  { "rank_after", modu.column(r1, "int") } }))
