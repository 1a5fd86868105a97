// The checker's Web Worker: it owns Pyodide and the engine, so the page never freezes.
// Module worker. Everything it loads comes from the site itself (no CDN):
//   ../pyodide/   Pyodide core (copied from the npm package by scripts/build-widget)
//   ./engine.json names the engine wheel built with the site; the wheel carries the codebook.
//
// Repeat visits: after the first answer, once the worker is idle, it saves a Pyodide memory
// snapshot (Python started, engine imported, codebook loaded) in the browser's Cache Storage,
// keyed by the Pyodide version and the wheel's sha256. The next visit restores it instead of
// starting Python from scratch. Any problem with a snapshot falls back to a normal start.
//
// Messages in:  {type: "boot", snapshot}               start loading now (idempotent); snapshot:
//                                                      false when the page knows none was saved
//               {type: "check", id, encounter}         run engine.check
// Messages out: {type: "progress", stage, message}     while loading
//               {type: "ready", codebook, seconds, from: "snapshot"|"start", timeline}
//               {type: "result", id, result, engineMs} engine.check's result (issue 3 contract)
//               {type: "result", id, errors}           EncounterError.errors [{field, message}]
//               {type: "failed", id?, message, details} anything else (never shown raw)
//               {type: "snapshot-saved", bytes}        a snapshot is stored for the next visit
import { loadPyodide, version as PYODIDE_VERSION } from "../pyodide/pyodide.mjs";

const HERE = new URL("./", import.meta.url);
const PYODIDE_URL = new URL("../pyodide/", HERE).href;
const SNAPSHOT_CACHE = "telecode-checker-snapshots";
const SNAPSHOT_IDLE_MS = 1500;

const BOOT_PY = `
import gc, json, traceback
import engine

_codebook = engine.load_codebook()
# The codebook and the modules live as long as the page: keep them out of the garbage
# collector's full passes (in wasm these cost tens of ms, right in the middle of an answer).
gc.freeze()

def telecode_run(text):
    """One encounter (JSON text) in, one answer (JSON text) out; never raises."""
    try:
        return json.dumps({"result": engine.check(json.loads(text), _codebook)})
    except engine.EncounterError as err:
        return json.dumps({"errors": err.errors})
    except Exception:
        return json.dumps({"failed": traceback.format_exc()})

_codebook.version
`;

// When each start-up stage ended, as absolute times (timeOrigin + now, so the page can place
// them on its own timeline); sent with "ready" and shown by the benchmark.
const timeline = { "worker-start": performance.timeOrigin + performance.now() };
function stage(name) {
  timeline[name] = performance.timeOrigin + performance.now();
}

let booting = null;
let pyodide = null;
let snapshotKey = null; // set when this run should save a snapshot once idle
let idleTimer = null;

function post(message) {
  self.postMessage(message);
}

async function fetchOk(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response;
}

async function openSnapshots() {
  try {
    return "caches" in self ? await caches.open(SNAPSHOT_CACHE) : null;
  } catch {
    return null; // storage disabled (private mode, quota): just start normally
  }
}

async function startFromSnapshot(cache, key) {
  const hit = cache && (await cache.match(key));
  if (!hit) return null;
  post({ type: "progress", stage: "snapshot", message: "Restoring Python from your last visit…" });
  try {
    const bytes = new Uint8Array(await hit.arrayBuffer());
    stage("snapshot-read");
    const py = await loadPyodide({ indexURL: PYODIDE_URL, _loadSnapshot: bytes });
    const version = py.runPython("_codebook.version");
    return { py, version };
  } catch (err) {
    console.warn("telecode checker: snapshot not usable, starting Python normally:", err);
    await cache.delete(key).catch(() => {});
    return null;
  }
}

async function startFresh(manifestReady) {
  post({ type: "progress", stage: "runtime", message: "Downloading and starting Python…" });
  // The wheel downloads while Python starts.
  const wheel = manifestReady
    .then((manifest) => fetchOk(new URL(manifest.wheel, HERE)))
    .then(async (r) => new Uint8Array(await r.arrayBuffer()));
  wheel.catch(() => {}); // reported below, when awaited
  const py = await loadPyodide({ indexURL: PYODIDE_URL, _makeSnapshot: true });
  stage("pyodide-loaded");
  post({ type: "progress", stage: "engine", message: "Installing the coding engine…" });
  const sitePackages = py.runPython("import site; site.getsitepackages()[0]");
  const wheelBytes = await wheel;
  stage("wheel-fetched");
  py.unpackArchive(wheelBytes, "wheel", { extractDir: sitePackages });
  stage("wheel-unpacked");
  py.runPython("import engine");
  stage("engine-imported");
  const version = py.runPython(BOOT_PY);
  return { py, version };
}

function snapshotKeyFor(manifest) {
  return new URL(`snapshot/${PYODIDE_VERSION}/${manifest.sha256}`, HERE).href;
}

async function boot(lookForSnapshot) {
  const started = performance.now();
  // engine.json (which wheel, its sha256) and the snapshot store are opened meanwhile; when the
  // page says no snapshot was saved (first visit), Python starts without waiting for either.
  const manifestReady = fetchOk(new URL("engine.json", HERE)).then((r) => r.json());
  manifestReady.catch(() => {}); // reported where awaited
  const cacheReady = openSnapshots();
  let booted = null;
  let from = "start";
  if (lookForSnapshot) {
    const cache = await cacheReady;
    const stored = cache ? await cache.keys().catch(() => []) : [];
    stage("cache-opened");
    if (stored.length) {
      booted = await startFromSnapshot(cache, snapshotKeyFor(await manifestReady));
      if (booted) from = "snapshot";
    }
  }
  if (!booted) {
    booted = await startFresh(manifestReady);
    if (await cacheReady) snapshotKey = snapshotKeyFor(await manifestReady);
  }
  stage("engine-ready");
  pyodide = booted.py;
  const run = pyodide.globals.get("telecode_run");
  post({
    type: "ready", codebook: booted.version, from,
    seconds: (performance.now() - started) / 1000, timeline,
  });
  return run;
}

async function saveSnapshot() {
  const key = snapshotKey;
  snapshotKey = null;
  try {
    const bytes = pyodide.makeMemorySnapshot();
    const cache = await caches.open(SNAPSHOT_CACHE);
    for (const old of await cache.keys()) if (old.url !== key) await cache.delete(old);
    await cache.put(key, new Response(bytes, { headers: { "content-type": "application/octet-stream" } }));
    post({ type: "snapshot-saved", bytes: bytes.length });
  } catch (err) {
    console.warn("telecode checker: could not save a snapshot for the next visit:", err);
  }
}

function whenIdle() {
  clearTimeout(idleTimer);
  if (snapshotKey) idleTimer = setTimeout(saveSnapshot, SNAPSHOT_IDLE_MS);
}

self.onmessage = async (event) => {
  const message = event.data || {};
  if (message.type !== "boot" && message.type !== "check") return;
  clearTimeout(idleTimer);
  booting ||= boot(message.snapshot !== false);
  let run;
  try {
    run = await booting;
  } catch (err) {
    post({
      type: "failed",
      id: message.id,
      message: "The checker could not start Python in this browser.",
      details: String(err && err.stack ? err.stack : err),
    });
    return;
  }
  if (message.type !== "check") return;
  const started = performance.now();
  const answer = JSON.parse(run(JSON.stringify(message.encounter)));
  answer.engineMs = performance.now() - started; // time inside Python, for the benchmark
  if (answer.failed) {
    post({
      type: "failed",
      id: message.id,
      message: "The engine stopped on this encounter. Please report it with the link below.",
      details: answer.failed,
    });
  } else {
    post({ type: "result", id: message.id, ...answer });
  }
  whenIdle();
};
