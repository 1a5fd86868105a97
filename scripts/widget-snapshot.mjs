#!/usr/bin/env node
// The checker's Python memory snapshot, made at build time (called by scripts/build-widget).
//
//   node scripts/widget-snapshot.mjs WHEEL OUT
//
// Starts Pyodide (node_modules/pyodide, the same core files the site ships) under Node, unpacks
// the engine wheel into site-packages, imports the engine and loads the codebook
// (engine.core.web.start()), then writes Pyodide's memory snapshot of that interpreter, gzipped, to
// OUT. The checker's worker restores it instead of starting Python and the engine itself: the
// first answer then waits for the snapshot's download and the wasm compile, not for Python's
// start (docs/maintainers-widget.md, "Start-up").
//
// Builds are deterministic: the same wheel gives the same bytes. A snapshot is the
// interpreter's whole memory, so everything that differs between runs is fixed while it is
// made: the clocks (file times, timers), the entropy source (hash secret, `random`'s state,
// libc's), Math.random, and the program name (argv[0], the script's path). The hash seed is
// therefore the same for every visitor (PYTHONHASHSEED=0, written out); the worker reseeds
// `random` after restoring. None of this is a secret: the checker runs the reader's own input
// in the reader's own browser. The builder's time zone and locale (TZ, LANG, LC_ALL) reach the
// snapshot too (Emscripten reads the zone's offset and name into memory at start-up): the script
// runs itself again with them pinned when they differ.
import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const PINNED = { TZ: "UTC", LANG: "C.UTF-8", LC_ALL: "C.UTF-8", LANGUAGE: "" };
if (Object.entries(PINNED).some(([k, v]) => (process.env[k] ?? "") !== v)) {
  const again = spawnSync(
    process.execPath,
    [...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)],
    { stdio: "inherit", env: { ...process.env, ...PINNED } },
  );
  process.exit(again.status ?? 1);
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const PYODIDE_DIR = path.join(ROOT, "node_modules", "pyodide") + path.sep;
const [wheelPath, outPath] = process.argv.slice(2);
if (!wheelPath || !outPath) {
  process.stderr.write("usage: node scripts/widget-snapshot.mjs WHEEL OUT\n");
  process.exit(2);
}

// --- a deterministic environment (before Pyodide is loaded) -----------------------------------
let state = 0x9e3779b9; // xorshift32: fixed bytes where Pyodide asks for entropy
function nextWord() {
  state ^= state << 13;
  state >>>= 0;
  state ^= state >>> 17;
  state ^= state << 5;
  state >>>= 0;
  return state;
}
function fill(view) {
  const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  for (let i = 0; i < bytes.length; i++) bytes[i] = nextWord() & 255;
  return view;
}
crypto.randomFillSync = fill; // Emscripten's getentropy under Node
globalThis.crypto.getRandomValues = fill;
Math.random = () => nextWord() / 4294967296;
const EPOCH_MS = Date.UTC(2026, 0, 1); // every file time and wall-clock reading
Date.now = () => EPOCH_MS;
let ticks = 0;
performance.now = () => (ticks += 1); // monotonic clock: 1 ms per reading
process.argv[1] = "/telecode";

// Pyodide's errors print its whole minified source line under Node: report the message only.
function fail(err) {
  process.stderr.write(`widget-snapshot: ${String(err && err.message ? err.message : err).slice(-4000)}\n`);
  process.exit(1);
}
process.on("uncaughtException", fail);
process.on("unhandledRejection", fail);

const { loadPyodide } = await import(path.join(PYODIDE_DIR, "pyodide.mjs"));
const py = await loadPyodide({
  indexURL: PYODIDE_DIR,
  env: { PYTHONHASHSEED: "0", TZ: "UTC", LANG: "C.UTF-8" },
  _makeSnapshot: true,
});
const sitePackages = py.runPython("import site; site.getsitepackages()[0]");
py.unpackArchive(new Uint8Array(readFileSync(wheelPath)), "wheel", { extractDir: sitePackages });
// With the clock fixed, site-packages keeps its time after the unpack: drop the import
// system's cached listing of it explicitly.
const version = py.runPython(`
import importlib
importlib.invalidate_caches()
import engine.core.web
import engine.core.web_profiles  # "Use my payer profile": imported here, not in the browser
engine.core.web.start()
`);
const snapshot = py.makeMemorySnapshot();
const packed = gzipSync(snapshot, { level: 6 });
writeFileSync(outPath, packed);
process.stdout.write(
  JSON.stringify({ codebook: version, bytes: snapshot.length, gzipped: packed.length }) + "\n",
);
