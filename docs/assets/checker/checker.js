// The encounter checker page (/checker/). Loaded only by that page, as a module script.
//
// - The form's input names are the encounter contract's keys (engine/core/contract.py); the encounter is
//   built from the visible fields only, as the texts typed or chosen: the engine reads them
//   (engine/core/web.py run_form, contract.decode_text: the one decoder the CLI and batch use,
//   so a number, a true/false or "0:5, 2:3" is read the same everywhere and this script
//   converts nothing). The page URL's fragment always holds it
//   (history.replaceState; permalink.js: old `?…` links still open), so every state of the form
//   is a permalink.
// - A module Web Worker (worker.js) owns Pyodide and the engine. It is created once per browser
//   tab and kept across mkdocs-material instant navigation (the module is evaluated once; the page
//   is re-initialised through `document$`).
// - Test hooks (a contract): #tc-result has data-testid="result", data-state =
//   loading|ready|error and data-codes = the billed codes separated by spaces.
// - Each rendered answer leaves a performance mark "telecode-answer" (detail.engineMs: time spent
//   in Python) for the benchmark.

import { renderPayments } from "./payments.js";
import { encounterText, hasEncounter, moveQueryToFragment, permalinkHref } from "./permalink.js";
import { initProfiles, ownPayers } from "./profile.js";

const SITE_ROOT = new URL("../../", import.meta.url);
// Typing in a number or text field answers this long after the last keystroke.
const TYPING_DELAY_MS = 60;
const URL_DELAY_MS = 150;
// The search index (held back on this page while Python starts, see docs/_overrides/checker.html)
// loads once the reader has paused this long after an answer.
const SEARCH_AFTER_MS = 1500;
// Start-up stages as steps of the (determinate) progress bar. Not an indeterminate bar: its
// animation makes the page render frames all through the start (about 40 in 5 s, a quarter of the
// page's main-thread work then), on the same cores Python is starting on.
const PROGRESS_STEPS = { runtime: 1, snapshot: 1, engine: 2 };

// The encounter contract (engine/core/contract.py: the words for true and false, which a
// permalink's checkbox values are read with, and the payers compared), rendered into the page by the site build (#tc-contract,
// docs/_site/pages_checker.py): this script holds no contract values of its own.
let contractData = null;
function contract() {
  if (contractData === null) {
    const el = document.getElementById("tc-contract");
    try {
      contractData = el ? JSON.parse(el.dataset.contract) : null;
    } catch {
      contractData = null;
    }
    contractData = contractData || { true_words: [], false_words: [], compare: [] };
    contractData.trueWords = new Set(contractData.true_words);
    contractData.falseWords = new Set(contractData.false_words);
  }
  return contractData;
}

// ---------------------------------------------------------------------------------------------
// The worker, shared by every visit of the checker page in this tab.

let worker = null;
let searchTimer = null;
let nextId = 1;
const waiting = new Map(); // id -> resolve
const listeners = new Set(); // progress/ready/failed listeners of the current page
let engineState = { phase: "idle", message: "", codebook: "" };

function ensureWorker() {
  if (worker) return worker;
  // The checker page's <head> (docs/_overrides/checker.html) starts the worker before the
  // stylesheets load; adopt it and replay what it said meanwhile. After instant navigation
  // from another page that script has not run, and the worker starts here.
  const early = window.telecodeCheckerWorker;
  worker = early || new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
  engineState = { phase: "loading", message: "starting…", codebook: "" };
  worker.onmessage = (event) => {
    const msg = event.data || {};
    if (msg.type === "progress") {
      engineState = { ...engineState, phase: "loading", message: msg.message, stage: msg.stage };
    }
    if (msg.type === "ready") {
      // The worker's start-up stages as marks on this page's timeline ("telecode-worker-start",
      // "telecode-pyodide-loaded", ...): the benchmark reports them, devtools show them.
      for (const [name, at] of Object.entries(msg.timeline || {})) {
        const startTime = at - performance.timeOrigin;
        if (startTime >= 0) performance.mark(`telecode-${name}`, { startTime });
      }
      engineState = { phase: "ready", message: "", codebook: msg.codebook, from: msg.from };
    }
    if (msg.type === "warm") {
      // The worker's warm-up after start-up is done (worker.js, warmUp): the benchmark's
      // "warm" changes start here.
      performance.mark("telecode-warm", { detail: { ms: msg.ms, encounters: msg.encounters } });
    }
    if (msg.type === "failed" && msg.id === undefined) {
      engineState = { phase: "failed", message: msg.message, details: msg.details };
    }
    if ((msg.type === "result" || msg.type === "failed" || msg.type === "profiles") && waiting.has(msg.id)) {
      const resolve = waiting.get(msg.id);
      waiting.delete(msg.id);
      if (msg.type === "failed") engineState = { ...engineState, phase: "failed", message: msg.message };
      resolve(msg);
    }
    for (const listener of listeners) listener(engineState);
  };
  worker.onerror = (event) => {
    engineState = {
      phase: "failed",
      message: "The checker could not start in this browser.",
      details: String(event.message || event),
    };
    for (const listener of listeners) listener(engineState);
    for (const [id, resolve] of waiting) {
      waiting.delete(id);
      resolve({ type: "failed", id, message: engineState.message, details: engineState.details });
    }
  };
  if (early) {
    const replay = early.earlyMessages || [];
    early.earlyMessages = null;
    for (const data of replay) worker.onmessage({ data });
  } else {
    worker.postMessage({ type: "boot" });
  }
  return worker;
}

function check(encounter) {
  const id = nextId++;
  return new Promise((resolve) => {
    waiting.set(id, resolve);
    ensureWorker().postMessage({ type: "check", id, form: encounter });
  });
}

// Any other question for the worker ({type: "profiles", files} and the like, profile.js): the
// promise resolves with its answer. Messages are answered in the order they are sent.
function ask(message) {
  const id = nextId++;
  return new Promise((resolve) => {
    waiting.set(id, resolve);
    ensureWorker().postMessage({ ...message, id });
  });
}

// ---------------------------------------------------------------------------------------------
// Small DOM helpers (all text goes through textContent: nothing from the engine becomes HTML).

function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") el.className = value;
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

function codeLink(code) {
  return h("a", { href: new URL(`codes/${encodeURIComponent(code)}/`, SITE_ROOT).href }, code);
}

let sourceNames = null;
function sourceName(id) {
  if (sourceNames === null) {
    const el = document.getElementById("tc-source-names");
    try {
      sourceNames = el ? JSON.parse(el.dataset.names) : {};
    } catch {
      sourceNames = {};
    }
  }
  return sourceNames[id] || "source";
}

function sourceLinks(ids) {
  if (!ids || !ids.length) return null;
  const links = [];
  ids.forEach((id, i) => {
    if (i) links.push(", ");
    // The link names the source (the page lists their names: #tc-source-names); its id is a tooltip.
    links.push(h("a", { href: new URL(`sources/#src-${encodeURIComponent(id)}`, SITE_ROOT).href, title: id }, sourceName(id)));
  });
  return h("span", { class: "tc-sources" }, " Sources: ", links);
}

// ---------------------------------------------------------------------------------------------
// Form <-> encounter <-> query string.

// the fields whose value shows or hides other fields (data-modalities, -roles, -services,
// -payers, -requires)
const VISIBILITY_FIELDS = new Set(["modality", "role", "service", "payer", "modifier_25_same_day"]);

function fieldElements(form) {
  return Array.from(form.querySelectorAll("[name]"));
}

function isShown(el) {
  return !el.closest("[hidden]");
}

function textOf(el) {
  // The text of one field as the engine is sent it, or undefined when the field is left out of
  // the encounter (empty, or at its default, so permalinks stay short).
  if (el.type === "checkbox") {
    const def = el.dataset.default === "true";
    return el.checked === def ? undefined : String(el.checked);
  }
  const raw = el.value.trim();
  if (raw === "") return undefined;
  if (el.dataset.default !== undefined && raw === el.dataset.default) return undefined;
  return raw;
}

function encounterFrom(form, extra) {
  // {key: text} of the visible fields, plus a permalink's keys the form does not have (the
  // engine names them).
  const texts = {};
  for (const el of fieldElements(form)) {
    if (!isShown(el)) continue;
    const text = textOf(el);
    if (text !== undefined) texts[el.name] = text;
  }
  return { ...texts, ...extra };
}

function queryFrom(texts) {
  return new URLSearchParams(texts).toString();
}

function todayFor(el) {
  // Today (the reader's local date), clamped to the dates the codebook covers (min/max).
  const now = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  let day = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
  if (el.min && day < el.min) day = el.min;
  if (el.max && day > el.max) day = el.max;
  return day;
}

function renderPlausibility(items) {
  if (!items.length) return null;
  return h(
    "ul",
    { class: "tc-warnings tc-plausibility", "data-testid": "plausibility" },
    items.map((w) => h("li", { class: "tc-sev-warning", "data-field": w.field }, h("span", { class: "tc-sev" }, "Check"), " ", w.message)),
  );
}

function setField(el, text) {
  if (el.type === "checkbox") {
    const word = (text ?? "").toLowerCase();
    const { trueWords, falseWords } = contract();
    el.checked = trueWords.has(word) ? true : falseWords.has(word) ? false : el.dataset.default === "true";
    return;
  }
  if (el.tagName === "SELECT") {
    el.querySelectorAll("option[data-from-link]").forEach((o) => o.remove());
    if (text === null) {
      const blank = el.querySelector('option[value=""]');
      el.value = blank ? "" : el.dataset.default ?? el.options[0].value;
      return;
    }
    if (!Array.from(el.options).some((o) => o.value === text)) {
      // Keep an unknown value from a link so the engine can say what is wrong with it.
      el.append(h("option", { value: text, "data-from-link": true }, `${text} (not a valid choice)`));
    }
    el.value = text;
    return;
  }
  if (el.type === "date" && text === null) {
    el.value = todayFor(el); // a link without a date asks about today
    return;
  }
  el.value = text ?? "";
}

function applyQuery(form, search, knownNames) {
  // A permalink is a whole encounter: fields it does not mention are cleared to their defaults.
  const params = new URLSearchParams(search);
  const extra = {};
  for (const [key, value] of params) {
    if (!knownNames.has(key)) extra[key] = value;
  }
  for (const el of fieldElements(form)) setField(el, params.has(el.name) ? params.get(el.name) : null);
  return extra;
}

// ---------------------------------------------------------------------------------------------
// Rendering.

function renderLines(lines) {
  return h(
    "table",
    { class: "tc-lines" },
    h("caption", { class: "tc-visually-hidden" }, "Code lines to report"),
    h("thead", {}, h("tr", {}, ["Code", "What it is", "Modifiers", "Place of service", "Units"].map((t) => h("th", { scope: "col" }, t)))),
    h(
      "tbody",
      {},
      lines.map((line) =>
        h(
          "tr",
          { "data-code": line.code },
          h("td", { class: "tc-code" }, codeLink(line.code)),
          h("td", { "data-label": "What it is" }, line.label || ""),
          h("td", { class: "tc-mods", "data-label": "Modifiers", "data-modifiers": line.modifiers.join(" ") },
            line.modifiers.length ? line.modifiers.join(", ") : "none"),
          h("td", { class: "tc-pos", "data-label": "Place of service", "data-pos": line.pos ?? "" },
            line.pos ?? "your usual place of service"),
          h("td", { class: "tc-units", "data-label": "Units" }, String(line.units)),
        ),
      ),
    ),
  );
}

const SEVERITY_WORDS = { error: "Problem", warning: "Warning", info: "Note" };

function renderWarnings(warnings) {
  if (!warnings.length) return null;
  return [
    h("h3", {}, "Warnings and notes"),
    h(
      "ul",
      { class: "tc-warnings" },
      warnings.map((w) =>
        h(
          "li",
          { class: `tc-sev-${w.severity}`, "data-warning": w.id },
          h("span", { class: "tc-sev" }, SEVERITY_WORDS[w.severity] || w.severity),
          " ",
          w.message,
          sourceLinks(w.sources),
        ),
      ),
    ),
  ];
}

function shortAnswer(result) {
  // "99213-93 · POS 10" (codes with modifiers, then the place of service when there is one)
  if (!result.billable) return "nothing to report separately";
  const pos = result.lines.map((l) => l.pos).filter(Boolean)[0];
  const codes = result.lines.map((l) => [l.code, ...l.modifiers].join("-")).join(" + ");
  return pos ? `${codes} · POS ${pos}` : codes;
}

// The engine's warning for a date in a provisional (not yet reviewed) period of the codebook.
const PROVISIONAL = "provisional-year";

function renderResult(result) {
  // A provisional answer opens with a banner (the engine's own words), not among the warnings.
  const provisional = result.provisional ? result.warnings.find((w) => w.id === PROVISIONAL) : null;
  const banner = provisional
    ? h("div", { class: "tc-provisional", role: "note", "data-warning": PROVISIONAL },
        h("strong", {}, "Not yet reviewed. "),
        provisional.message, sourceLinks(provisional.sources))
    : null;
  const warnings = provisional ? result.warnings.filter((w) => w !== provisional) : result.warnings;
  const verdict = result.billable
    ? h("p", { class: "tc-verdict tc-billable" }, h("strong", {}, "Report:"), " ", shortAnswer(result))
    : h("p", { class: "tc-verdict tc-not-billable" }, h("strong", {}, "Nothing to report separately."), " The warnings below say why.");
  return [
    banner,
    verdict,
    result.lines.length ? renderLines(result.lines) : null,
    renderWarnings(warnings),
    result.checklist.length
      ? [h("h3", {}, "Document"), h("ul", { class: "tc-checklist" }, result.checklist.map((item) => h("li", {}, item)))]
      : null,
    h(
      "details",
      { class: "tc-trace" },
      h("summary", {}, `Why: the ${result.trace.length} steps the engine took`),
      h(
        "ol",
        {},
        result.trace.map((step) =>
          h("li", { title: step.rule }, step.outcome, sourceLinks(step.sources)),
        ),
      ),
    ),
    h("p", { class: "tc-note" }, `Rules as of ${result.as_of} · codebook ${result.codebook}`),
  ];
}

function labelFor(form, field) {
  const el = form.querySelector(`[name="${CSS.escape(field)}"]`);
  const label = el && form.querySelector(`label[for="${CSS.escape(el.id)}"]`);
  return label ? label.textContent.trim() : field;
}

function choiceWords(form, field) {
  // value -> the words the form shows for it (select options and radio labels)
  const words = new Map();
  form.querySelectorAll(`[name="${CSS.escape(field)}"]`).forEach((el) => {
    if (el.tagName === "SELECT") {
      for (const o of el.options) if (o.value && !o.dataset.fromLink) words.set(o.value, o.textContent.trim());
    } else if (el.type === "radio" && el.value) {
      const label = form.querySelector(`label[for="${CSS.escape(el.id)}"]`);
      if (label) words.set(el.value, label.textContent.trim());
    }
  });
  return words;
}

function messageInWords(form, field, message) {
  // The engine's contract messages name raw values ("must be one of audio_video, ..."); the
  // reader sees the form's words for them, and no field name.
  const words = choiceWords(form, field);
  if (words.size && /one of/.test(message)) {
    const got = message.match(/got '([^']*)'/);
    return `choose one of: ${[...words.values()].join("; ")}` + (got ? ` (the link gave "${got[1]}")` : "");
  }
  if (/^unknown key/.test(message)) {
    const close = message.match(/did you mean '([a-z_]+)'/);
    const hint = close ? ` (did you mean "${labelFor(form, close[1]).replaceAll("_", " ")}"?)` : "";
    return `the link has a detail the checker does not ask about${hint}`;
  }
  let text = message;
  for (const [value, label] of words) text = text.replaceAll(`'${value}'`, `"${label}"`).replaceAll(value, `"${label}"`);
  return text.replace(/\b([a-z]+)_([a-z_]+)\b/g, (m) => m.replaceAll("_", " "));
}

function renderErrors(form, errors) {
  return [
    h("p", { class: "tc-verdict tc-not-billable" }, h("strong", {}, "The encounter is not complete or has a mistake.")),
    h(
      "ul",
      { class: "tc-error-list" },
      errors.map((e) => {
        const el = form.querySelector(`[name="${CSS.escape(e.field)}"]`);
        const name = labelFor(form, e.field);
        const words = name === e.field ? e.field.replaceAll("_", " ") : name;
        const target = el && isShown(el) ? h("a", { href: `#${el.id}` }, words) : h("span", { title: e.field }, words);
        return h("li", { "data-field": e.field }, target, ": ", messageInWords(form, e.field, e.message));
      }),
    ),
  ];
}

function renderFailure(msg) {
  return [
    h("p", { class: "tc-verdict tc-not-billable" }, h("strong", {}, msg.message)),
    msg.details
      ? h("details", { class: "tc-details" }, h("summary", {}, "Technical details"), h("pre", {}, msg.details))
      : null,
  ];
}

// ---------------------------------------------------------------------------------------------
// One checker page.

function initChecker(root) {
  if (root.dataset.tcInit) return;
  root.dataset.tcInit = "1";
  const form = root.querySelector("#tc-form");
  const resultBox = root.querySelector("#tc-result");
  const resultBody = root.querySelector("#tc-result-body");
  const progress = root.querySelector("#tc-progress");
  const progressText = root.querySelector("#tc-progress-text");
  const progressBar = root.querySelector("#tc-progress-bar");
  const compareBox = root.querySelector("#tc-compare");
  const compareGrid = root.querySelector("#tc-compare-grid");
  const compareToggle = root.querySelector("#tc-compare-toggle");
  const copyButton = root.querySelector("#tc-copy");
  const copyStatus = root.querySelector("#tc-copy-status");
  const peek = root.querySelector("#tc-peek");
  // the reader's own payer profiles (profile.js): before the link is read, so that a
  // remembered profile's id is a payer choice
  initProfiles(root, ask);
  const knownNames = new Set(fieldElements(form).map((el) => el.name));

  let extra = {};
  let inFlight = false;
  let queued = false;
  let typingTimer = null;
  let urlTimer = null;
  let pendingQuery = null;

  function updateVisibility() {
    const modality = form.elements.modality.value;
    const role = form.elements.role.value;
    const payer = form.elements.payer.value;
    root.querySelectorAll("[data-modalities]").forEach((el) => {
      el.hidden = !el.dataset.modalities.split(" ").includes(modality);
    });
    root.querySelectorAll("[data-roles]").forEach((el) => {
      if (!el.hidden) el.hidden = !el.dataset.roles.split(" ").includes(role);
    });
    // the service (mental health services) and the fields that only it, a payer or a checked
    // box make relevant; a hidden service field means a visit
    const serviceEl = form.elements.service;
    const service = isShown(serviceEl) ? serviceEl.value : serviceEl.dataset.default;
    root.querySelectorAll("[data-services]").forEach((el) => {
      if (!el.hidden) el.hidden = !el.dataset.services.split(" ").includes(service);
    });
    root.querySelectorAll("[data-payers]").forEach((el) => {
      if (!el.hidden) el.hidden = !el.dataset.payers.split(" ").includes(payer);
    });
    root.querySelectorAll("[data-requires]").forEach((el) => {
      const box = form.elements[el.dataset.requires];
      if (!el.hidden) el.hidden = !(box && box.checked && isShown(box));
    });
  }

  function clearFieldErrors() {
    root.querySelectorAll(".tc-error[id^='tc-err-']").forEach((p) => {
      p.hidden = true;
      p.textContent = "";
    });
    root.querySelectorAll("[aria-invalid]").forEach((el) => el.removeAttribute("aria-invalid"));
  }

  function showFieldErrors(errors) {
    for (const e of errors) {
      const p = root.querySelector(`#tc-err-${CSS.escape(e.field)}`);
      const el = form.querySelector(`[name="${CSS.escape(e.field)}"]`);
      if (p && el && isShown(el)) {
        p.textContent = messageInWords(form, e.field, e.message);
        p.hidden = false;
        el.setAttribute("aria-invalid", "true");
      }
    }
  }

  function showFieldWarnings(items) {
    root.querySelectorAll(".tc-field-warning").forEach((p) => p.remove());
    for (const w of items) {
      const field = root.querySelector(`.tc-field[data-field="${CSS.escape(w.field)}"]`);
      if (field) field.append(h("p", { class: "tc-field-warning", role: "status" }, w.message));
    }
  }

  const sticky = root.querySelector(".tc-output-sticky");
  function fitAnswer() {
    // The answer panel follows the form only while all of it fits below the header.
    if (!sticky) return;
    const header = document.querySelector(".md-header");
    const room = window.innerHeight - (header ? header.getBoundingClientRect().height : 0) - 16;
    sticky.dataset.fits = sticky.scrollHeight <= room ? "true" : "false";
  }
  window.addEventListener("resize", fitAnswer, { passive: true });

  function setState(state, codes = "") {
    resultBox.dataset.state = state;
    resultBox.dataset.codes = codes;
    resultBox.setAttribute("aria-busy", state === "loading" ? "true" : "false");
  }

  function showEngineState(s) {
    if (!root.isConnected) return;
    // How Python started: "snapshot" (restored, the usual way) or "start" (the snapshot could
    // not be used): for tests and curious readers (devtools).
    root.dataset.engineFrom = s.from || "";
    if (s.phase === "loading") {
      progress.hidden = false;
      progressBar.value = PROGRESS_STEPS[s.stage] ?? 0;
      progressText.textContent = `Loading the engine (Python in your browser): ${s.message}`;
    } else if (s.phase === "ready") {
      progress.hidden = true;
    } else if (s.phase === "failed") {
      progress.hidden = true;
    }
  }

  async function runCompare(encounter) {
    if (compareBox.hidden) return;
    const payers = [...contract().compare, ...ownPayers(root)]; // the defaults, then the reader's own
    const answers = await Promise.all(payers.map(([payer]) => check({ ...encounter, payer })));
    if (!root.isConnected) return;
    compareGrid.replaceChildren(
      ...payers.map(([payer, title], i) => {
        const msg = answers[i];
        const col = h("div", { class: "tc-compare-col", "data-testid": `compare-${payer}`, "data-payer": payer });
        col.append(h("h3", {}, title));
        if (msg.result) {
          col.dataset.codes = msg.result.lines.map((l) => l.code).join(" ");
          col.append(
            msg.result.lines.length
              ? renderLines(msg.result.lines)
              : h("p", { class: "tc-not-billable" }, "Nothing to report separately."),
            ...(renderWarnings(msg.result.warnings) || []),
          );
        } else if (msg.errors) {
          col.dataset.codes = "";
          col.append(h("p", { class: "tc-not-billable" }, "Fix the encounter above first."));
        } else {
          col.dataset.codes = "";
          col.append(...renderFailure(msg));
        }
        return col;
      }),
    );
  }

  async function runNow() {
    if (!root.isConnected) return;
    if (inFlight) {
      queued = true; // coalesce: only the latest form state is checked next
      return;
    }
    const encounter = encounterFrom(form, extra);
    pendingQuery = queryFrom(encounter);
    setState("loading");
    inFlight = true;
    const msg = await check(encounter);
    inFlight = false;
    if (!root.isConnected) return;
    if (queued) {
      queued = false;
      runNow();
      return;
    }
    clearFieldErrors();
    const doubts = msg.doubts || []; // valid but unlikely as typed (engine/core/plausibility.py)
    showFieldWarnings(doubts);
    if (msg.result) {
      const answer = renderResult(msg.result);
      answer.splice(3, 0, renderPayments(msg.payments, h)); // after the lines (payments.js)
      resultBody.replaceChildren(...[renderPlausibility(doubts), ...answer].flat(2).filter(Boolean));
      setState("ready", msg.result.lines.map((l) => l.code).join(" "));
      peek.textContent = `Answer: ${shortAnswer(msg.result)}`;
    } else if (msg.errors) {
      showFieldErrors(msg.errors);
      resultBody.replaceChildren(...renderErrors(form, msg.errors));
      setState("error");
      peek.textContent = "Answer: please fix the encounter";
    } else {
      resultBody.replaceChildren(...renderFailure(msg).filter(Boolean));
      setState("error");
      peek.textContent = "Answer: the checker stopped";
    }
    fitAnswer();
    performance.mark("telecode-answer", { detail: { engineMs: msg.engineMs ?? null } });
    if (window.telecodeReleaseSearch) {
      clearTimeout(searchTimer);
      searchTimer = setTimeout(window.telecodeReleaseSearch, SEARCH_AFTER_MS);
    }
    scheduleUrlUpdate();
    runCompare(encounter);
  }

  // The URL follows the form, off the answer's critical path: history.replaceState is a
  // synchronous round trip to the browser process (tens of ms on a busy machine).
  function flushUrl() {
    clearTimeout(urlTimer);
    if (pendingQuery === null || !root.isConnected) return;
    const query = pendingQuery;
    pendingQuery = null;
    const href = permalinkHref(query);
    if (href !== `${location.pathname}${location.search}${location.hash}`) {
      history.replaceState(history.state, "", href);
    }
  }

  function scheduleUrlUpdate() {
    clearTimeout(urlTimer);
    urlTimer = setTimeout(flushUrl, URL_DELAY_MS);
  }

  function onEdit(event) {
    extra = {}; // parameters from the link the form does not know are dropped at the first edit
    if (VISIBILITY_FIELDS.has(event.target.name)) updateVisibility();
    clearTimeout(typingTimer);
    setState("loading");
    if (event.type === "input" && event.target.tagName === "INPUT" && event.target.type === "text") {
      // Typing: answer shortly after the last keystroke (not on leaving the field).
      typingTimer = setTimeout(runNow, TYPING_DELAY_MS);
    } else {
      runNow();
    }
  }

  form.addEventListener("input", onEdit);
  form.addEventListener("change", (event) => {
    if (event.target.tagName === "INPUT" && event.target.type === "text") {
      // Leaving a text field (or pressing Enter) answers at once.
      clearTimeout(typingTimer);
      runNow();
    } else {
      onEdit(event);
    }
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    runNow();
  });

  compareToggle.addEventListener("click", () => {
    const on = compareToggle.getAttribute("aria-pressed") !== "true";
    compareToggle.setAttribute("aria-pressed", String(on));
    compareBox.hidden = !on;
    if (on) {
      runCompare(encounterFrom(form, extra)).then(() => {
        if (!compareBox.hidden) compareBox.scrollIntoView({ block: "start" });
      });
    }
  });

  copyButton.addEventListener("click", async () => {
    flushUrl();
    const url = location.href;
    try {
      await navigator.clipboard.writeText(url);
      copyStatus.textContent = "Link copied.";
    } catch {
      copyStatus.textContent = `Copy this link: ${url}`;
    }
  });

  function loadFromUrl() {
    clearTimeout(typingTimer);
    clearTimeout(urlTimer);
    pendingQuery = null;
    moveQueryToFragment();
    extra = hasEncounter() ? applyQuery(form, encounterText(), knownNames) : {};
    updateVisibility();
    runNow();
  }

  moveQueryToFragment();
  if (hasEncounter()) extra = applyQuery(form, encounterText(), knownNames);
  else form.elements.date_of_service.value = todayFor(form.elements.date_of_service);
  updateVisibility();
  current = { root, loadFromUrl };

  // On narrow screens the answer sits below the form; a bar at the bottom shows it in short
  // while the answer itself is out of view.
  if ("IntersectionObserver" in window) {
    new IntersectionObserver(([entry]) => {
      // Only while the answer is below the screen (not once the reader has scrolled past it).
      peek.dataset.away = !entry.isIntersecting && entry.boundingClientRect.top > 0 ? "true" : "false";
    }).observe(resultBox);
  }

  const listener = (s) => {
    if (!root.isConnected) {
      listeners.delete(listener);
      return;
    }
    showEngineState(s);
  };
  listeners.add(listener);
  ensureWorker();
  showEngineState(engineState);
  setState("loading");
  runNow();
}

// Links and history entries that only change the encounter (same page, another query string)
// are answered in place: no reload, the worker keeps running. mkdocs-material's instant
// navigation would change the URL without re-rendering such a page, so the checker takes them.
let current = null; // {root, loadFromUrl} of the checker on screen

function sameCheckerUrl(url) {
  return Boolean(current && current.root.isConnected) && url.origin === location.origin &&
    url.pathname === location.pathname;
}

document.addEventListener(
  "click",
  (event) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey ||
        event.shiftKey || event.altKey) return;
    const link = event.target instanceof Element ? event.target.closest("a[href]") : null;
    if (!link || link.target || link.hasAttribute("download")) return;
    const url = new URL(link.href);
    if (!hasEncounter(url) || !sameCheckerUrl(url)) return;
    event.preventDefault();
    event.stopPropagation();
    history.pushState(null, "", url.href);
    current.loadFromUrl();
  },
  true,
);

window.addEventListener("popstate", () => {
  if (sameCheckerUrl(new URL(location.href))) current.loadFromUrl();
});

function initPage() {
  const root = document.getElementById("telecode-checker");
  if (root) initChecker(root);
}

// mkdocs-material's instant navigation swaps pages without reloading: re-initialise on each one.
if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
  window.document$.subscribe(initPage);
} else if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", initPage);
} else {
  initPage();
}
initPage();
