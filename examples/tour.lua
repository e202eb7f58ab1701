-- A short tour of modu on figures from the embedded dataset's article (seed
-- paragraphs 36-37): AI-related enterprises per city. Run with `make run`.
-- Shanghai's 2023 count is not in the article, so it is NA here.
local modu = require "modu"

local df = modu.frame({
  { "city", { "北京", "深圳", "上海", "北京", "深圳", "上海" } },
  { "city_en", { "Beijing", "Shenzhen", "Shanghai", "Beijing", "Shenzhen", "Shanghai" } },
  { "year", { 2016, 2016, 2016, 2023, 2023, 2023 } },
  { "firms", { 39800, 36100, 26500, 47800, 63800, modu.NA } },
})

print("AI-related enterprises (a slice of the article's figures):")
print(df)

print("\nSorted by firms, largest first (NA last):")
print(df:sort({ "firms", desc = true }))

print("\n2016 only, with firms in thousands:")
local y2016 = df:filter(df.year:eq(2016))
print(y2016:mutate{ thousands = y2016.firms / 1000 })

print("\nCities in the table:")
print(df:distinct("city", "city_en"))

print(("\nTotal firms counted: %d (NA skipped: %d)"):format(df.firms:sum(), df.firms:count_na()))

print("\nShenzhen's change 2016 -> 2023 in firms:")
local sz = df:filter(df.city:eq("深圳")):sort("year")
print(sz.firms[2] - sz.firms[1])
