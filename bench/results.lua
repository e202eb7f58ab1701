-- Writes one "## Title" section of bench/RESULTS.md, keeping the others:
-- replaced where it stands, appended when missing; the file is written to a
-- temporary name and renamed, so a failed run leaves the old one whole.
--   local results = dofile("bench/results.lua"); results.replace_section("Text", text)
local M = { path = "bench/RESULTS.md" }

function M.replace_section(title, section)
  local f = io.open(M.path, "rb")
  local doc = f and f:read("a") or "# modu benchmarks\n\n"
  if f then f:close() end
  section = section:gsub("\n*$", "\n")
  local head = "\n## " .. title .. "\n"
  local s = doc:find(head, 1, true)
  if s then
    local nxt = doc:find("\n## ", s + #head - 1, true)
    doc = doc:sub(1, s) .. section .. (nxt and "\n" .. doc:sub(nxt + 1) or "")
  else
    doc = doc:gsub("\n*$", "\n\n") .. section
  end
  f = assert(io.open(M.path .. ".tmp", "wb"))
  f:write(doc)
  f:close()
  assert(os.rename(M.path .. ".tmp", M.path))
end

return M
