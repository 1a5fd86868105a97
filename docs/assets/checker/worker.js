// The checker's Web Worker: it owns Pyodide and the engine, so the page never freezes.
// Module worker. Everything it loads comes from the site itself (no CDN):
//   ../pyodide/    Pyodide core (copied from the npm package by scripts/build-widget)
//   ./engine.json  names the files built with the site: the engine wheel (it carries the
//                  codebook) and the Python memory snapshot made from it
//
// Start-up: the worker restores the snapshot (Python started, engine imported, codebook
// loaded; made at build time by scripts/widget-snapshot.mjs) instead of starting Python, which
// is what takes most of a start. If the snapshot cannot be fetched or restored, it starts Python
// and installs the wheel instead: slower, same answers. A repeat visit gets both from the HTTP
// cache.
//
// Messages in:  {type: "boot"}                         start loading now (idempotent)
//               {type: "check", id, form}              the form's texts {key: text}:
//                                                      engine.core.web.run_form
//               {type: "profiles", id, files}          the reader's own payer profiles
//                                                      [{name, text}] (engine.core.web_profiles)
//               {type: "forget-profiles", id}          back to the shipped codebook
// Messages out: {type: "progress", stage, message}     while loading
//               {type: "ready", codebook, seconds, from: "snapshot"|"start", timeline}
//               {type: "result", id, result, doubts, engineMs}  engine.check's result
//                                                      (engine/data/result.schema.json)
//               {type: "result", id, errors, doubts}   EncounterError.errors [{field, message}]
//               {type: "failed", id?, message, details} anything else (never shown raw)
//               {type: "warm", ms, encounters}      the warm-up after start-up is done (below)
//               {type: "profiles", id, ok, payers, errors}  web_profiles' answer (profile.js)
import { loadPyodide } from "../pyodide/pyodide.mjs";

const HERE = new URL("./", import.meta.url);
const PYODIDE_URL = new URL("../pyodide/", HERE).href;

// When each start-up stage ended, as absolute times (timeOrigin + now, so the page can place
// them on its own timeline); sent with "ready" and shown by the benchmark.
const timeline = { "worker-start": performance.timeOrigin + performance.now() };
function stage(name) {
  timeline[name] = performance.timeOrigin + performance.now();
}

let booting = null;
let pyodide = null; // the interpreter, once started (for engine.core.web_profiles)

function post(message) {
  self.postMessage(message);
}

async function fetchOk(url, options) {
  const response = await fetch(url, options);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response;
}

function megabytes(bytes) {
  return `${Math.max(1, Math.round(bytes / 1e6))} MB`;
}

// The snapshot is stored gzipped (6-7 MB instead of about 30). A server that sends .gz files
// with Content-Encoding: gzip has had the browser unpack it already: then it is used as is.
async function gunzipped(response) {
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

// Python's script and wasm start downloading at once; the snapshot as soon as engine.json
// names it.
async function startFromSnapshot(manifestReady) {
  const bytes = manifestReady.then((manifest) => {
    post({
      type: "progress", stage: "snapshot",
      message: `${megabytes(manifest.download_bytes)} to fetch on a first visit…`,
    });
    return fetchOk(new URL(manifest.snapshot, HERE));
  }).then(gunzipped).then((b) => (stage("snapshot-read"), b));
  const py = await loadPyodide({ indexURL: PYODIDE_URL, _loadSnapshot: bytes });
  pyodide = py;
  stage("pyodide-loaded");
  // The snapshot's `random` state was fixed when it was made (for identical builds): fresh
  // entropy for this page.
  py.runPython("import random; random.seed()");
  const web = py.pyimport("engine.core.web");
  const version = web.version();
  const manifest = await manifestReady;
  if (version !== manifest.codebook) {
    throw new Error(`snapshot has codebook ${version}, engine.json names ${manifest.codebook}`);
  }
  return { web, version };
}

async function startFresh(manifest) {
  post({ type: "progress", stage: "runtime", message: "starting Python…" });
  // The wheel downloads while Python starts.
  const wheel = fetchOk(new URL(manifest.wheel, HERE)).then(async (r) => new Uint8Array(await r.arrayBuffer()));
  wheel.catch(() => {}); // reported below, when awaited
  const py = await loadPyodide({ indexURL: PYODIDE_URL });
  pyodide = py;
  stage("pyodide-loaded");
  post({ type: "progress", stage: "engine", message: "installing the coding engine…" });
  const sitePackages = py.runPython("import site; site.getsitepackages()[0]");
  py.unpackArchive(await wheel, "wheel", { extractDir: sitePackages });
  stage("wheel-unpacked");
  const web = py.pyimport("engine.core.web");
  stage("engine-imported");
  const version = web.start();
  return { web, version };
}

async function boot() {
  const started = performance.now();
  // engine.json has a fixed URL and names every digest-named file: ask the server each time
  // (cache: "no-cache" revalidates), or a heuristically cached copy keeps an old codebook
  const manifestReady = fetchOk(new URL("engine.json", HERE), { cache: "no-cache" })
    .then((r) => r.json());
  let booted = null;
  let from = "snapshot";
  try {
    booted = await startFromSnapshot(manifestReady);
  } catch (err) {
    console.warn("telecode checker: the Python snapshot is not usable here, starting Python:", err);
    booted = await startFresh(await manifestReady);
    from = "start";
  }
  stage("engine-ready");
  post({
    type: "ready", codebook: booted.version, from,
    seconds: (performance.now() - started) / 1000, timeline,
  });
  return booted.web;
}

// After a snapshot, little of the interpreter's wasm has run in this page, and the browser
// compiles, optimises and (when a guess proves wrong) recompiles its functions as they run:
// the largest, Python's bytecode loop, took 10-20 ms each time, inside a reader's first edits.
// So once the first answer is out, the worker checks a set of encounters (engine.core.web's
// warm_up_encounters: that first encounter's neighbours, then the FAQs') WARM_UP_PASSES times,
// one per task (a reader's edit waits for at most one of them, about 1 ms), and says "warm"
// when done. Measured: with one pass, edits still met 10-20 ms recompiles; after three (about
// 0.8 s of work on a busy 2-core machine), rarely.
const WARM_UP_PASSES = 3;
let warming = false;

function warmUp(web, firstText) {
  if (warming) return;
  warming = true;
  const started = performance.now();
  const once = web.warm_up_encounters(firstText).toJs();
  const texts = Array(WARM_UP_PASSES).fill(once).flat();
  const next = () => {
    const text = texts.shift();
    if (text === undefined) {
      post({ type: "warm", ms: performance.now() - started, encounters: once.length * WARM_UP_PASSES });
      return;
    }
    web.run_form(text);
    setTimeout(next, 0);
  };
  setTimeout(next, 0);
}

self.onmessage = async (event) => {
  const message = event.data || {};
  const profiles = message.type === "profiles" || message.type === "forget-profiles";
  if (message.type !== "boot" && message.type !== "check" && !profiles) return;
  booting ||= boot();
  let web;
  try {
    web = await booting;
  } catch (err) {
    post({
      type: "failed",
      id: message.id,
      message: "The checker could not start Python in this browser.",
      details: String(err && err.stack ? err.stack : err),
    });
    return;
  }
  if (profiles) {
    // The files' text goes to Python here, in this worker: it is never sent anywhere.
    try {
      const mod = pyodide.pyimport("engine.core.web_profiles");
      const text = message.type === "profiles"
        ? mod.load_profiles(JSON.stringify(message.files || []))
        : mod.forget_profiles();
      post({ type: "profiles", id: message.id, ...JSON.parse(text) });
    } catch (err) {
      post({ type: "profiles", id: message.id, ok: [], payers: [], errors: [String(err && err.message ? err.message : err)] });
    }
    return;
  }
  if (message.type !== "check") return;
  const started = performance.now();
  const text = JSON.stringify(message.form);
  const answer = JSON.parse(web.run_form(text));
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
  warmUp(web, text);
};
