// Payer matrix (/payers/matrix/): show only the payers whose name, state or type match the
// search box and whose type is ticked. Without JavaScript every column stays visible.
(function () {
  "use strict";
  const form = document.querySelector("[data-pm-filter]");
  if (!form) return;
  form.hidden = false;
  const box = form.querySelector("input[type=search]");
  const count = form.querySelector(".tc-pm-count");
  const heads = Array.from(document.querySelectorAll("table.tc-pm th[data-payer]"));
  const words = new Map();
  for (const th of heads) {
    words.set(th.dataset.payer, (th.textContent + " " + th.dataset.payer).toLowerCase());
  }
  function apply() {
    const q = box.value.trim().toLowerCase();
    const types = new Set(Array.from(form.querySelectorAll("input[type=checkbox]:checked"))
      .map((c) => c.value));
    const shown = new Set();
    for (const [id, text] of words) {
      const th = heads.find((h) => h.dataset.payer === id);
      if (types.has(th.dataset.type) && (!q || text.includes(q))) shown.add(id);
    }
    for (const el of document.querySelectorAll("table.tc-pm [data-payer]")) {
      el.hidden = !shown.has(el.dataset.payer);
    }
    const total = new Set(words.keys()).size;
    count.textContent = shown.size === total ? `All ${total} payers shown.`
      : `${shown.size} of ${total} payers shown.`;
  }
  form.addEventListener("input", apply);
  form.addEventListener("submit", (e) => e.preventDefault());
  apply();
})();
