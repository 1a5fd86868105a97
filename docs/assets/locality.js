// The Medicare locality picker on code pages (docs/_site/render.py, locality_section): each
// <option> carries the code's amounts in that locality, computed at build time; this only shows
// the chosen one. Runs on every page view (mkdocs-material instant navigation: document$).
(function () {
  function show(box) {
    const select = box.querySelector("select");
    const out = box.querySelector(".tc-locality-amount");
    const option = select.selectedOptions[0];
    if (!option || !option.value) {
      out.textContent = "";
      return;
    }
    out.textContent =
      `${option.textContent}: ${option.dataset.nonfacility} non-facility (POS 10), ` +
      `${option.dataset.facility} facility (POS 02). GPCIs work / PE / MP: ${option.dataset.gpci}.`;
  }

  function init() {
    for (const box of document.querySelectorAll("[data-locality-picker]")) {
      if (box.dataset.ready) continue;
      box.dataset.ready = "true";
      box.hidden = false;
      box.querySelector("select").addEventListener("change", () => show(box));
      show(box);
    }
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
