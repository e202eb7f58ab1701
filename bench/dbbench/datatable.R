# The ten db-benchmark group-by questions in R data.table, with both cores
# (setDTthreads(0)) and with one; same record format as common.lua writes.
#   Rscript bench/dbbench/datatable.R data.csv out.tsv
suppressPackageStartupMessages(library(data.table))
args <- commandArgs(trailingOnly = TRUE)
csv <- args[1]
out <- file(args[2], "w")
emit <- function(...) {
  v <- list(...)
  v <- vapply(v, function(x) if (is.double(x)) sprintf("%.17g", x) else as.character(x), "")
  writeLines(paste(v, collapse = "\t"), out)
  flush(out)
}
now <- function() as.numeric(Sys.time())
cpu <- function() { p <- proc.time(); p[["user.self"]] + p[["sys.self"]] }  # all threads of the process
status_kib <- function(field) {
  s <- readLines("/proc/self/status")
  as.numeric(sub("^[^:]*:\\s*(\\d+) kB$", "\\1", s[startsWith(s, paste0(field, ":"))]))
}
reset_peak <- function() try(cat("5", file = "/proc/self/clear_refs"), silent = TRUE)

WEIGHT <- c(id1 = 3, id2 = 5, id3 = 7, id4 = 11, id5 = 13, id6 = 17)
MOD <- 997

emit("info", "data.table", "version", paste0("data.table ", packageVersion("data.table"), ", ",
     R.version$version.string))

t0 <- now()
x <- fread(csv, showProgress = FALSE, stringsAsFactors = FALSE,
           colClasses = c(id1 = "character", id2 = "character", id3 = "character", id4 = "integer",
                          id5 = "integer", id6 = "integer", v1 = "integer", v2 = "integer", v3 = "double"))
load_time <- now() - t0
peak <- status_kib("VmHWM")

# each question: keys of the answer, value columns, and the query itself
Q <- list(
  q1 = list(c("id1"), c("v1"), function() x[, .(v1 = sum(v1)), by = id1]),
  q2 = list(c("id1", "id2"), c("v1"), function() x[, .(v1 = sum(v1)), by = .(id1, id2)]),
  q3 = list(c("id3"), c("v1", "v3"), function() x[, .(v1 = sum(v1), v3 = mean(v3)), by = id3]),
  q4 = list(c("id4"), c("v1", "v2", "v3"), function() x[, lapply(.SD, mean), by = id4, .SDcols = v1:v3]),
  q5 = list(c("id6"), c("v1", "v2", "v3"), function() x[, lapply(.SD, sum), by = id6, .SDcols = v1:v3]),
  q6 = list(c("id4", "id5"), c("median_v3", "sd_v3"),
            function() x[, .(median_v3 = median(v3), sd_v3 = sd(v3)), by = .(id4, id5)]),
  q7 = list(c("id3"), c("range_v1_v2"), function() x[, .(range_v1_v2 = max(v1) - min(v2)), by = id3]),
  q8 = list(c("id6"), c("v3"), function() x[order(-v3), .(v3 = head(v3, 2L)), by = id6]),
  q9 = list(c("id2", "id4"), c("r2"), function() x[, .(r2 = cor(v1, v2)^2), by = .(id2, id4)]),
  q10 = list(c("id1", "id2", "id3", "id4", "id5", "id6"), c("v3", "count"),
             function() x[, .(v3 = sum(v3), count = .N), by = id1:id6])
)

key_number <- function(v) if (is.character(v)) as.numeric(substring(v, 3)) else as.numeric(v)

digest <- function(tool, q, keys, values, ans) {
  s <- 0
  for (k in keys) s <- s + WEIGHT[[k]] * key_number(ans[[k]])
  w <- 1 + s %% MOD
  emit("digest", tool, q, "ngroups", nrow(ans))
  for (v in values) {
    a <- as.numeric(ans[[v]])
    ok <- !is.na(a)  # NaN too
    emit("digest", tool, q, paste0(v, ".n"), sum(ok))
    emit("digest", tool, q, paste0(v, ".sum"), sum(a[ok]))
    emit("digest", tool, q, paste0(v, ".wsum"), sum(a[ok] * w[ok]))
  }
}

only <- Sys.getenv("DBBENCH_ONLY")
for (threads in c(0L, 1L)) {
  setDTthreads(threads)
  tool <- paste0("data.table/", getDTthreads())
  emit("threads", tool, getDTthreads())
  emit("load", tool, load_time, nrow(x))
  for (q in names(Q)) {
    if (nzchar(only) && !(q %in% strsplit(only, ",")[[1]])) next
    d <- Q[[q]]
    times <- numeric(2)
    cpus <- numeric(2)
    for (run in 1:2) {
      ans <- NULL
      invisible(gc())
      t <- now()
      c0 <- cpu()
      ans <- d[[3]]()
      times[run] <- now() - t
      cpus[run] <- cpu() - c0
    }
    emit("time", tool, q, times[1], times[2], cpus[1], cpus[2])
    peak <- max(peak, status_kib("VmHWM"))
    digest(tool, q, d[[1]], d[[2]], ans)
    rm(ans)
    invisible(gc())
    reset_peak()
  }
}
emit("mem", "data.table", peak)
close(out)
