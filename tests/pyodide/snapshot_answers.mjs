#!/usr/bin/env node
// Answers from the checker's Python memory snapshot, restored under Node (tests only).
//
//   node tests/pyodide/snapshot_answers.mjs SNAPSHOT.gz ENCOUNTERS.json
//
// Restores SNAPSHOT.gz (made by scripts/widget-snapshot.mjs) the way the checker's worker does,
// without installing the wheel, and answers each encounter of ENCOUNTERS.json (a JSON list) with
// engine.core.web.run. Prints one JSON object: {version, answers, engine_file, engine_file_exists}
// (engine_file_exists is false: the engine answered from the snapshot's memory alone).
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const PYODIDE_DIR = path.join(ROOT, "node_modules", "pyodide") + path.sep;

function fail(err) {
  process.stderr.write(`snapshot_answers: ${String(err && err.message ? err.message : err).slice(-4000)}\n`);
  process.exit(1);
}
process.on("uncaughtException", fail);
process.on("unhandledRejection", fail);

const [snapshotPath, encountersPath] = process.argv.slice(2);
const { loadPyodide } = await import(path.join(PYODIDE_DIR, "pyodide.mjs"));
const bytes = new Uint8Array(gunzipSync(readFileSync(snapshotPath)));
const py = await loadPyodide({ indexURL: PYODIDE_DIR, _loadSnapshot: bytes });
const web = py.pyimport("engine.core.web");
const encounters = JSON.parse(readFileSync(encountersPath, "utf8"));
const answers = encounters.map((e) => JSON.parse(web.run(JSON.stringify(e))));
const [engineFile, exists] = py.runPython("import engine.core, os; (engine.core.__file__, os.path.exists(engine.core.__file__))").toJs();
process.stdout.write(JSON.stringify({
  version: web.version(), answers, engine_file: engineFile, engine_file_exists: exists,
}) + "\n");
