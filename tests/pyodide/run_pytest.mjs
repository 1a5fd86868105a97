#!/usr/bin/env node
// Run real pytest INSIDE Pyodide (Node), against the engine as the browser gets it: the wheel.
//
//   node tests/pyodide/run_pytest.mjs [--wheel PATH] [--with PKG ...] [--] PYTEST_ARGS...
//
// 1. Loads Pyodide from node_modules/pyodide (the same core files the site ships).
// 2. Engine: the wheel given with --wheel, else one built now with `python -m build --wheel`.
// 3. pytest and its pure-Python dependencies (+ --with NAME, e.g. ruamel.yaml for the scenario
//    files): wheels downloaded from PyPI at test time with
//    `pip download --only-binary=:all: --no-deps --python-version 3.14` into .cache/pyodide-wheels/
//    (versions = the ones installed in the CPython environment, so both sides run the same pytest).
// 4. Every wheel is unpacked into Pyodide's site-packages (pyodide.unpackArchive, extractDir).
// 5. tests/ is mounted read-only-in-spirit at /repo/tests (NODEFS), pyproject.toml is copied to
//    /repo so pytest reads the project's [tool.pytest.ini_options]; the source tree's engine/ is
//    NOT mounted, so `import engine` can only find the wheel (checked before pytest starts).
//    codebook/ (YAML data) is mounted at /repo/codebook; /repo/engine/data/codebook.json is a
//    copy of the bundle inside the wheel.
// 6. pytest.main(PYTEST_ARGS) runs in Pyodide; its output is printed; its exit code is ours.
//
// Why not pytest-pyodide: it breaks pytest 9 runs and its --run-in-pyodide reports tests it never
// ran as passed. Here pytest itself runs inside the wasm interpreter and prints its own summary.
import { execFileSync } from "node:child_process";
import { isMainThread, Worker } from "node:worker_threads";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "..", "..");
const PYODIDE_DIR = path.join(ROOT, "node_modules", "pyodide");
const CACHE = path.join(ROOT, ".cache", "pyodide-wheels");
const PYTEST_PACKAGES = ["pytest", "pluggy", "iniconfig", "packaging", "pygments"];
// Pyodide runs in a worker thread with a large stack: CPython-in-wasm frames live on the native
// stack, and the engine's tests feed it deeply nested values on purpose (node's default ~1 MB
// ends in "Maximum call stack size exceeded").
const STACK_MB = 256;

function fail(message) {
  process.stderr.write(`run_pytest: ${message}\n`);
  process.exit(3);
}

function parseArgs(argv) {
  const opts = { wheel: null, extra: [], pytest: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--wheel") opts.wheel = argv[++i];
    else if (a === "--with") opts.extra.push(argv[++i]);
    else if (a === "--") { opts.pytest.push(...argv.slice(i + 1)); break; }
    else opts.pytest.push(a);
  }
  return opts;
}

function hostPython() {
  if (process.env.TELECODE_PYTHON) return process.env.TELECODE_PYTHON;
  const venv = path.join(ROOT, ".venv", "bin", "python");
  return existsSync(venv) ? venv : "python3";
}

// Run a host command; its stderr is shown only when it fails (pip's index warnings are noise).
function run(cmd, args) {
  try {
    return execFileSync(cmd, args, { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (err) {
    fail(`\`${[cmd, ...args].join(" ")}\` failed:\n${err.stderr || err.message}`);
  }
}

// Pin each pytest package to the version installed in the CPython environment.
function pinnedRequirements(python, names) {
  const code =
    "import importlib.metadata as m, sys\n" +
    "print(' '.join(f'{n}=={m.version(n)}' for n in sys.argv[1:]))";
  return run(python, ["-c", code, ...names]).trim().split(/\s+/);
}

function wheelFor(dir, requirement) {
  const [name, version] = requirement.split("==");
  const norm = name.toLowerCase().replace(/[-_.]+/g, "_");
  if (!existsSync(dir)) return null;
  const hit = readdirSync(dir).find((f) => {
    const [n, v] = f.split("-");
    return f.endsWith(".whl") && n.toLowerCase().replace(/[-_.]+/g, "_") === norm && v === version;
  });
  return hit ? path.join(dir, hit) : null;
}

function downloadWheels(python, requirements) {
  mkdirSync(CACHE, { recursive: true });
  const missing = requirements.filter((r) => !wheelFor(CACHE, r));
  if (missing.length) {
    process.stderr.write(`run_pytest: downloading ${missing.join(" ")} from PyPI\n`);
    run(python, [
      "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
      "--only-binary=:all:", "--no-deps", "--python-version", "3.14",
      "--implementation", "py", "--abi", "none", "--platform", "any",
      "--dest", CACHE, ...missing,
    ]);
  }
  return requirements.map((r) => wheelFor(CACHE, r) || fail(`no pure-Python wheel for ${r}`));
}

function buildEngineWheel(python) {
  // The browser's wheel: engine/core and the compiled codebook (scripts/core_wheel.py).
  const out = path.join(ROOT, ".cache", "pyodide-engine-wheel");
  mkdirSync(out, { recursive: true });
  const made = execFileSync(python, [path.join(ROOT, "scripts", "core_wheel.py"), out], { encoding: "utf8" });
  return made.trim() || fail("scripts/core_wheel.py produced no wheel");
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (!existsSync(path.join(PYODIDE_DIR, "pyodide.mjs"))) fail("node_modules/pyodide is missing: run `npm ci`");
  const python = hostPython();
  const engineWheel = opts.wheel ? path.resolve(opts.wheel) : buildEngineWheel(python);
  const wheels = [
    engineWheel,
    ...downloadWheels(python, pinnedRequirements(python, [...PYTEST_PACKAGES, ...opts.extra])),
  ];

  const { loadPyodide } = await import(path.join(PYODIDE_DIR, "pyodide.mjs"));
  const pyodide = await loadPyodide({ indexURL: PYODIDE_DIR + path.sep });
  // Pass pytest's output through unbuffered and unsplit (its progress dots share one line).
  const writer = (stream) => ({
    write: (bytes) => { stream.write(Buffer.from(bytes)); return bytes.length; },
  });
  pyodide.setStdout(writer(process.stdout));
  pyodide.setStderr(writer(process.stderr));
  const sitePackages = pyodide.runPython("import site; site.getsitepackages()[0]");
  for (const whl of wheels) {
    const buf = readFileSync(whl);
    const bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    pyodide.unpackArchive(bytes, "wheel", { extractDir: sitePackages });
  }

  pyodide.FS.mkdirTree("/repo/tests");
  pyodide.mountNodeFS("/repo/tests", path.join(ROOT, "tests"));
  pyodide.FS.writeFile("/repo/pyproject.toml", readFileSync(path.join(ROOT, "pyproject.toml")));
  // The codebook sources (YAML data, e.g. the FAQs the scenario runner checks) at /repo/codebook.
  pyodide.FS.mkdirTree("/repo/codebook");
  pyodide.mountNodeFS("/repo/codebook", path.join(ROOT, "codebook"));
  // Tests that look for the compiled bundle at <repo>/engine/data/codebook.json find a copy of
  // the one the wheel ships, written now (so it is newer than the codebook sources). The source
  // tree's engine/ package itself is not there to import.
  pyodide.FS.mkdirTree("/repo/engine/data");
  pyodide.FS.writeFile(
    "/repo/engine/data/codebook.json",
    pyodide.FS.readFile(`${sitePackages}/engine/data/codebook.json`),
  );

  pyodide.globals.set("PYTEST_ARGS", pyodide.toPy(opts.pytest));
  const code = pyodide.runPython(`
import os, sys
sys.dont_write_bytecode = True
os.chdir("/repo")
import engine.core
where = os.path.dirname(os.path.dirname(engine.core.__file__))
assert where.startswith(${JSON.stringify(sitePackages)}), f"engine imported from {where}, not the wheel"
print(f"run_pytest: Python {sys.version.split()[0]} on {sys.platform}; engine from {where}")
import pytest
# fd-level capture (dup2 on stdio) is not meaningful in wasm; sys-level capture is.
code = int(pytest.main(["-p", "no:cacheprovider", "--capture=sys", *PYTEST_ARGS]))
code
`);
  process.exitCode = code;
}

if (isMainThread) {
  const worker = new Worker(new URL(import.meta.url), {
    argv: process.argv.slice(2),
    resourceLimits: { stackSizeMb: STACK_MB },
  });
  worker.on("error", (err) => {
    process.stderr.write(`run_pytest: ${err && err.stack ? err.stack : err}\n`);
    process.exitCode = 3;
  });
  worker.on("exit", (code) => {
    if (!process.exitCode) process.exitCode = code;
  });
} else {
  main().then(
    () => process.exit(process.exitCode ?? 0),
    (err) => {
      process.stderr.write(`run_pytest: ${err && err.stack ? err.stack : err}\n`);
      process.exit(3);
    },
  );
}
