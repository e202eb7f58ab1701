-- luacheck config for `make lint` (Debian lua-check): Lua 5.4 everywhere, and
-- busted's globals in the specs so a typo in a test name is still caught.
std = "lua54"
max_line_length = 120

local busted_globals = {
   "describe", "it", "before_each", "after_each", "setup", "teardown",
   "pending", "assert", "spy", "stub", "mock", "finally", "insulate", "expose",
   "lazy_setup", "lazy_teardown", "randomize", "strict_setup", "strict_teardown",
   "context", "spec", "test",
}

files["spec/**/*.lua"] = { read_globals = busted_globals }

-- the dataset holds the seed's passages verbatim and long titles: lines run long
files["lua/modu/data/*.lua"] = { max_line_length = false }
