-- busted output handler for spec/run.sh: busted's own terminal output, plus the
-- final counts written to $MODU_BUSTED_COUNTS so the runner never parses prose.
--
-- Debian's busted 2.1.1 TAP handler crashes on a spec file that fails to load,
-- so counting TAP lines is not reliable; the base handler's counters are.
return function(options)
  local busted = require "busted"
  local style = os.getenv "MODU_BUSTED_STYLE" or "utfTerminal"
  local handler = require("busted.outputHandlers." .. style)(options)
  local path = os.getenv "MODU_BUSTED_COUNTS"

  -- runs after the base handler's own suite-end bookkeeping: the counters are
  -- final by then (errors outside any `it`, e.g. a spec that fails to load,
  -- land in errorsCount too)
  local function write_counts()
    if path then
      local f = assert(io.open(path, "w"))
      f:write(string.format("%d %d %d %d\n", handler.successesCount, handler.failuresCount,
        handler.errorsCount, handler.pendingsCount))
      f:close()
    end
    return nil, true
  end
  busted.subscribe({ "suite", "end" }, write_counts)
  return handler
end
