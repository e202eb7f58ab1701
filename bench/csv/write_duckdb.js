// DuckDB's COPY ... TO of the benchmark file's table as CSV with a header, with
// a given number of threads; the file is loaded first (untimed) and the
// peak-RSS mark reset after.
//   NODE_PATH=bench/.node/node_modules node bench/csv/write_duckdb.js FILE OUT THREADS
"use strict";
const fs = require("fs");
const { DuckDBInstance, version } = require("@duckdb/node-api");

function statusKib(field) {
  const line = fs.readFileSync("/proc/self/status", "utf8").split("\n").find((l) => l.startsWith(field + ":"));
  return line ? Number(line.split(/\s+/)[1]) : 0;
}

async function main() {
  const [file, out, threads] = process.argv.slice(2);
  const db = await DuckDBInstance.create(":memory:");
  const con = await db.connect();
  if (Number(threads) > 0) await con.run(`SET threads = ${Number(threads)}`);
  const got = await con.runAndReadAll("SELECT current_setting('threads') AS t");
  const nthreads = Number(got.getRows()[0][0]);
  const lit = (s) => "'" + s.replace(/'/g, "''") + "'";
  await con.run(`CREATE TABLE x AS SELECT * FROM read_csv(${lit(file)})`);
  const rows = Number((await con.runAndReadAll("SELECT count(*) FROM x")).getRows()[0][0]);
  fs.writeFileSync("/proc/self/clear_refs", "5");
  const base = statusKib("VmRSS");
  const u0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await con.run(`COPY x TO ${lit(out)} (FORMAT csv, HEADER)`);
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const u = process.cpuUsage(u0);
  console.log(`wall=${wall.toFixed(6)} cpu=${((u.user + u.system) / 1e6).toFixed(6)} rows=${rows} ` +
    `hwm_kib=${statusKib("VmHWM")} base_kib=${base} threads=${nthreads} version=DuckDB_${version()}`);
}
main().catch((e) => { console.error(e); process.exit(1); });
