// The checker's Web Worker: it owns Pyodide and the engine, so the page never freezes.
// Module worker. Everything it loads comes from the site itself (no CDN):
//   ../pyodide/   Pyodide core (copied from the npm package by scripts/build-widget)
//   ./engine.json names the engine wheel built with the site; the wheel carries the codebook.
//
// Messages in:  {type: "boot"}                         start loading now (idempotent)
//               {type: "check", id, encounter}         run engine.check
// Messages out: {type: "progress", stage, message}     while loading
//               {type: "ready", codebook, seconds}     engine imported, codebook loaded
//               {type: "result", id, result}           engine.check's result (issue 3 contract)
//               {type: "result", id, errors}           EncounterError.errors [{field, message}]
//               {type: "failed", id?, message, details} anything else (never shown raw)
import { loadPyodide } from "../pyodide/pyodide.mjs";

const HERE = new URL("./", import.meta.url);
const PYODIDE_URL = new URL("../pyodide/", HERE).href;

const BOOT_PY = `
import json, site, traceback
import engine

_codebook = engine.load_codebook()

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

let booting = null;

function post(message) {
  self.postMessage(message);
}

async function fetchBytes(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

async function boot() {
  const started = performance.now();
  post({ type: "progress", stage: "runtime", message: "Downloading and starting Python…" });
  // Fetch the engine wheel while Pyodide boots.
  const wheel = fetch(new URL("engine.json", HERE))
    .then((r) => {
      if (!r.ok) throw new Error(`engine.json: HTTP ${r.status}`);
      return r.json();
    })
    .then((manifest) => fetchBytes(new URL(manifest.wheel, HERE)));
  wheel.catch(() => {}); // reported below, when awaited
  const pyodide = await loadPyodide({ indexURL: PYODIDE_URL, fullStdLib: false });
  post({ type: "progress", stage: "engine", message: "Installing the coding engine…" });
  const sitePackages = pyodide.runPython("import site; site.getsitepackages()[0]");
  pyodide.unpackArchive(await wheel, "wheel", { extractDir: sitePackages });
  const version = pyodide.runPython(BOOT_PY);
  const run = pyodide.globals.get("telecode_run");
  post({ type: "ready", codebook: version, seconds: (performance.now() - started) / 1000 });
  return run;
}

self.onmessage = async (event) => {
  const message = event.data || {};
  if (message.type !== "boot" && message.type !== "check") return;
  booting ||= boot();
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
  const answer = JSON.parse(run(JSON.stringify(message.encounter)));
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
};
