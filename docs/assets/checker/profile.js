// "Use my payer profile" on the checker page (/checker/): the reader's own payer profile files
// (YAML or JSON), checked by the engine in the worker (engine/core/web_profiles.py, the checks
// of `telecode payer-profile validate`) and offered as payers in the Payer select.
//
// - The files are read here (File.text()) and given to the worker: no request carries them.
// - Kept only when "Remember on this device" is ticked: then in localStorage (STORE_KEY) and
//   loaded again on the next visit (the box is made here: see below); "Remove my payer profile" forgets them (worker, select,
//   localStorage) in one click.
// - Everything from a file (names, error lines) is shown with textContent, never as HTML.
// - Test hooks: #tc-profile[data-state] = empty|loading|ok|error; the error lines are the
//   items of [data-testid=profile-errors].

const STORE_KEY = "telecode-payer-profiles";
// A profile is a few kilobytes; a file far larger is not one (and would be slow to read).
const MAX_BYTES = 1_000_000;
const GROUP_ID = "tc-payer-local";
// The worker lives as long as the tab (instant navigation keeps it): a profile used on an
// earlier visit of the page and not remembered is forgotten when the page is shown again.
let usedInTab = false;

function stored() {
  try {
    const data = JSON.parse(localStorage.getItem(STORE_KEY) || "null");
    return data && Array.isArray(data.files) && Array.isArray(data.payers) ? data : null;
  } catch {
    return null;
  }
}

function store(data) {
  try {
    if (data) localStorage.setItem(STORE_KEY, JSON.stringify(data));
    else localStorage.removeItem(STORE_KEY);
    return true;
  } catch {
    return false; // storage off or full: the profile still works on this page
  }
}

function text(tag, content, attrs = {}) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) el.setAttribute(key, value);
  el.textContent = content;
  return el;
}

function compareClosed(root) {
  const box = root.querySelector("#tc-compare");
  return !box || box.hidden;
}

// The reader's own payers in the Payer select, as [id, name] (for "Compare payers").
export function ownPayers(root) {
  return Array.from(root.querySelectorAll(`#${GROUP_ID} option`)).map((o) => [o.value, o.textContent]);
}

export function initProfiles(root, ask) {
  const panel = root.querySelector("#tc-profile");
  const select = root.querySelector("#tc-payer");
  if (!panel || !select) return;
  const input = panel.querySelector("#tc-profile-file");
  // The box is made here, not typed in docs/checker.md, whose checkboxes are the encounter
  // contract's own (tests/widget/test_checker_form_contract.py); the panel is shown only with
  // JavaScript, which it needs.
  const remember = document.createElement("input");
  Object.assign(remember, { id: "tc-profile-remember", type: "checkbox" });
  remember.setAttribute("aria-describedby", "tc-help-profile-remember");
  panel.querySelector("#tc-profile-remember-field").prepend(remember);
  panel.hidden = false;
  const status = panel.querySelector("#tc-profile-status");
  const errors = panel.querySelector("#tc-profile-errors");
  const forget = panel.querySelector("#tc-profile-forget");
  let current = null; // {files, payers} of the profiles in use

  function setPayers(payers) {
    // The Payer select's group of the reader's own profiles (value: the profile's id).
    const chosen = select.value;
    const old = select.querySelector(`#${GROUP_ID}`);
    if (old) old.remove();
    select.querySelectorAll("option[data-from-link]").forEach((o) => {
      if (payers.some((p) => p.id === o.value)) o.remove();
    });
    if (payers.length) {
      const group = document.createElement("optgroup");
      group.id = GROUP_ID;
      group.label = "Your payer profiles";
      for (const p of payers) group.append(text("option", `${p.name} (your profile)`, { value: p.id }));
      select.append(group);
    }
    // removing the group that held the chosen option unselects it: choose it again
    const still = Array.from(select.options).some((o) => o.value === chosen);
    select.value = still ? chosen : select.dataset.default || select.options[0].value;
    return select.value !== chosen;
  }

  function answerAgain() {
    // as if the reader had chosen the payer: the checker answers for the form as it is
    select.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function show(state, message, lines = []) {
    panel.dataset.state = state;
    status.textContent = message;
    errors.replaceChildren(...lines.map((line) => text("li", line)));
    errors.hidden = !lines.length;
    forget.hidden = !current;
  }

  function names(payers) {
    return payers.map((p) => p.name).join(", ");
  }

  async function use(files, { fromStore = false } = {}) {
    show("loading", "Checking the profile in your browser…");
    const answer = await ask({ type: "profiles", files });
    if (answer.type !== "profiles") {
      show("error", "The checker could not read the profile.", [answer.message || "the engine stopped"]);
      return;
    }
    if (answer.errors && answer.errors.length) {
      current = null;
      if (fromStore) store(null); // a remembered profile that no longer passes is not kept
      const changed = setPayers([]);
      const count = answer.errors.length;
      show("error", `The profile was not loaded: ${count} problem${count === 1 ? "" : "s"} to fix. Each line gives the file and line, the entry, what is wrong and how to fix it.`, answer.errors);
      if (changed || !compareClosed(root)) answerAgain();
      return;
    }
    current = { files, payers: answer.payers };
    usedInTab = true;
    if (remember.checked) store(current);
    const kept = remember.checked ? " It is remembered on this device." : " It is not kept after you leave this page.";
    const changed = setPayers(answer.payers);
    show("ok", `Using your payer profile: ${names(answer.payers)}. Choose it as the payer above.${kept}`);
    if (!fromStore || changed) answerAgain(); // a remembered one is in place before the first answer
  }

  input.addEventListener("change", async () => {
    const chosen = Array.from(input.files || []);
    if (!chosen.length) return;
    const large = chosen.filter((f) => f.size > MAX_BYTES);
    if (large.length) {
      input.value = "";
      show("error", "The profile was not loaded:", large.map((f) => `${f.name}: the file is larger than 1 MB — a payer profile is a few kilobytes: choose the profile file`));
      return;
    }
    const files = await Promise.all(chosen.map(async (f) => ({ name: f.name, text: await f.text() })));
    input.value = "";
    await use(files);
  });

  remember.addEventListener("change", () => {
    if (!remember.checked) {
      store(null);
      if (current) show("ok", `Using your payer profile: ${names(current.payers)}. It is not kept after you leave this page.`);
    } else if (current) {
      const ok = store(current);
      show("ok", `Using your payer profile: ${names(current.payers)}. ${ok ? "It is remembered on this device." : "This browser does not let the page remember it."}`);
    }
  });

  forget.addEventListener("click", async () => {
    current = null;
    store(null);
    remember.checked = false;
    setPayers([]);
    show("empty", "Your payer profile was removed from this page and this device.");
    await ask({ type: "forget-profiles" });
    answerAgain(); // the answer, and "Compare payers" without the profile's column
  });

  const kept = stored();
  if (kept) {
    // before the page reads its link: a remembered profile's id is a payer choice at once
    remember.checked = true;
    current = kept;
    setPayers(kept.payers);
    use(kept.files, { fromStore: true });
  } else {
    show("empty", "");
    if (usedInTab) {
      usedInTab = false;
      ask({ type: "forget-profiles" });
    }
  }
}
