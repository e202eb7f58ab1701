// The ten db-benchmark group-by questions in DuckDB (@duckdb/node-api), with
// both cores and with one; same record format as common.lua writes.
//   NODE_PATH=bench/.node/node_modules node bench/dbbench/duckdb_q.js data.csv out.tsv
"use strict";
const fs = require("fs");
const { DuckDBInstance, version } = require("@duckdb/node-api");

const [csv, outPath] = process.argv.slice(2);
const out = fs.openSync(outPath, "w");
const WEIGHT = { id1: 3, id2: 5, id3: 7, id4: 11, id5: 13, id6: 17 };
const MOD = 997;

function emit(...fields) {
  const text = fields.map((f) => (typeof f === "number" && !Number.isInteger(f) ? f.toPrecision(17) : String(f)));
  fs.writeSync(out, text.join("\t") + "\n");
}
function statusKib(field) {
  const line = fs.readFileSync("/proc/self/status", "utf8").split("\n").find((l) => l.startsWith(field + ":"));
  return line ? Number(line.split(/\s+/)[1]) : 0;
}
function resetPeak() {
  try { fs.writeFileSync("/proc/self/clear_refs", "5"); } catch (e) { /* not Linux: peak includes digests */ }
}
const now = () => Number(process.hrtime.bigint()) / 1e9;
// CPU seconds of the whole process: every DuckDB thread
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };

const Q = [
  ["q1", ["id1"], ["v1"], "SELECT id1, sum(v1) AS v1 FROM x GROUP BY id1"],
  ["q2", ["id1", "id2"], ["v1"], "SELECT id1, id2, sum(v1) AS v1 FROM x GROUP BY id1, id2"],
  ["q3", ["id3"], ["v1", "v3"], "SELECT id3, sum(v1) AS v1, avg(v3) AS v3 FROM x GROUP BY id3"],
  ["q4", ["id4"], ["v1", "v2", "v3"], "SELECT id4, avg(v1) AS v1, avg(v2) AS v2, avg(v3) AS v3 FROM x GROUP BY id4"],
  ["q5", ["id6"], ["v1", "v2", "v3"], "SELECT id6, sum(v1) AS v1, sum(v2) AS v2, sum(v3) AS v3 FROM x GROUP BY id6"],
  ["q6", ["id4", "id5"], ["median_v3", "sd_v3"],
    "SELECT id4, id5, quantile_cont(v3, 0.5) AS median_v3, stddev(v3) AS sd_v3 FROM x GROUP BY id4, id5"],
  ["q7", ["id3"], ["range_v1_v2"], "SELECT id3, max(v1) - min(v2) AS range_v1_v2 FROM x GROUP BY id3"],
  ["q8", ["id6"], ["v3"],
    "SELECT id6, v3 FROM (SELECT id6, v3, row_number() OVER (PARTITION BY id6 ORDER BY v3 DESC) AS rn " +
    "FROM x WHERE v3 IS NOT NULL) AS sub WHERE rn <= 2"],
  ["q9", ["id2", "id4"], ["r2"], "SELECT id2, id4, pow(corr(v1, v2), 2) AS r2 FROM x GROUP BY id2, id4"],
  ["q10", ["id1", "id2", "id3", "id4", "id5", "id6"], ["v3", "count"],
    "SELECT id1, id2, id3, id4, id5, id6, sum(v3) AS v3, count(*) AS count FROM x " +
    "GROUP BY id1, id2, id3, id4, id5, id6"],
];

// a text id's number is its digits after "id"
const keyNumber = (k) => (["id1", "id2", "id3"].includes(k) ? `CAST(substr(${k}, 3) AS BIGINT)` : k);

async function digest(con, tool, q, keys, values) {
  const w = `1 + (${keys.map((k) => `${WEIGHT[k]} * ${keyNumber(k)}`).join(" + ")}) % ${MOD}`;
  const parts = [`count(*)::DOUBLE AS ngroups`];
  values.forEach((v, i) => {
    const ok = `isfinite(${v}::DOUBLE)`;
    parts.push(`count(*) FILTER (WHERE ${ok})::DOUBLE AS n${i}`,
      `coalesce(sum(${v}::DOUBLE) FILTER (WHERE ${ok}), 0) AS s${i}`,
      `coalesce(sum(${v}::DOUBLE * (${w})) FILTER (WHERE ${ok}), 0) AS w${i}`);
  });
  const reader = await con.runAndReadAll(`SELECT ${parts.join(", ")} FROM ans`);
  const row = reader.getRowObjectsJS()[0];
  emit("digest", tool, q, "ngroups", Number(row.ngroups));
  values.forEach((v, i) => {
    emit("digest", tool, q, `${v}.n`, Number(row[`n${i}`]));
    emit("digest", tool, q, `${v}.sum`, Number(row[`s${i}`]));
    emit("digest", tool, q, `${v}.wsum`, Number(row[`w${i}`]));
  });
}

async function main() {
  emit("info", "duckdb", "version", `DuckDB ${version()}, @duckdb/node-api ` +
    require("@duckdb/node-api/package.json").version + `, Node ${process.version}`);
  const instance = await DuckDBInstance.create(":memory:");
  const con = await instance.connect();
  const cores = require("os").availableParallelism();
  await con.run(`SET threads = ${cores}`);
  const t0 = now();
  await con.run("CREATE TABLE x AS SELECT * FROM read_csv('" + csv.replace(/'/g, "''") + "', header = true, " +
    "columns = {'id1': 'VARCHAR', 'id2': 'VARCHAR', 'id3': 'VARCHAR', 'id4': 'INTEGER', 'id5': 'INTEGER', " +
    "'id6': 'INTEGER', 'v1': 'INTEGER', 'v2': 'INTEGER', 'v3': 'DOUBLE'})");
  const loadTime = now() - t0;
  const nrow = Number((await con.runAndReadAll("SELECT count(*) AS n FROM x")).getRowObjectsJS()[0].n);
  let peak = statusKib("VmHWM");
  const only = process.env.DBBENCH_ONLY ? process.env.DBBENCH_ONLY.split(",") : null;
  for (const threads of [...new Set([cores, 1])]) {
    await con.run(`SET threads = ${threads}`);
    const tool = `duckdb/${threads}`;
    emit("threads", tool, threads);
    emit("load", tool, loadTime, nrow);
    for (const [q, keys, values, sql] of Q) {
      if (only && !only.includes(q)) continue;
      const times = [], cpus = [];
      for (let run = 0; run < 2; run++) {
        await con.run("DROP TABLE IF EXISTS ans");
        const t = now(), c = cpu();
        await con.run("CREATE TABLE ans AS " + sql);
        times.push(now() - t);
        cpus.push(cpu() - c);
      }
      emit("time", tool, q, times[0], times[1], cpus[0], cpus[1]);
      peak = Math.max(peak, statusKib("VmHWM"));
      await digest(con, tool, q, keys, values);
      await con.run("DROP TABLE ans");
      resetPeak();
    }
  }
  emit("mem", "duckdb", peak);
  fs.closeSync(out);
}

main().catch((e) => { console.error(e); process.exit(1); });
