# data.table::fread of the benchmark file with a given number of threads.
#   Rscript bench/csv/read_datatable.R FILE THREADS   (THREADS 0: all cores)
suppressPackageStartupMessages(library(data.table))
args <- commandArgs(trailingOnly = TRUE)
threads <- as.integer(args[2])
setDTthreads(threads)
status_kib <- function(field) {
  s <- readLines("/proc/self/status")
  as.numeric(sub("^[^:]*:\\s*(\\d+) kB$", "\\1", s[startsWith(s, paste0(field, ":"))]))
}
t0 <- proc.time()
x <- fread(args[1], showProgress = FALSE, nThread = getDTthreads())
t <- proc.time() - t0
cat(sprintf("wall=%.6f cpu=%.6f rows=%d hwm_kib=%d threads=%d version=%s\n", t[["elapsed"]],
            t[["user.self"]] + t[["sys.self"]], nrow(x), as.integer(status_kib("VmHWM")), getDTthreads(),
            paste0("data.table_", packageVersion("data.table"))))
