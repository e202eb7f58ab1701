# data.table::fwrite of the benchmark file's table with a given number of
# threads; the file is read first (untimed) and the peak-RSS mark reset after.
#   Rscript bench/csv/write_datatable.R FILE OUT THREADS   (THREADS 0: all cores)
suppressPackageStartupMessages(library(data.table))
args <- commandArgs(trailingOnly = TRUE)
threads <- as.integer(args[3])
setDTthreads(threads)
status_kib <- function(field) {
  s <- readLines("/proc/self/status")
  as.numeric(sub("^[^:]*:\\s*(\\d+) kB$", "\\1", s[startsWith(s, paste0(field, ":"))]))
}
x <- fread(args[1], showProgress = FALSE, nThread = getDTthreads())
writeLines("5", "/proc/self/clear_refs")
base <- status_kib("VmRSS")
t0 <- proc.time()
fwrite(x, args[2], nThread = getDTthreads(), showProgress = FALSE)
t <- proc.time() - t0
cat(sprintf("wall=%.6f cpu=%.6f rows=%d hwm_kib=%d base_kib=%d threads=%d version=%s\n", t[["elapsed"]],
            t[["user.self"]] + t[["sys.self"]], nrow(x), as.integer(status_kib("VmHWM")), as.integer(base),
            getDTthreads(), paste0("data.table_", packageVersion("data.table"))))
