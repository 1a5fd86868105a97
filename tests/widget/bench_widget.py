"""Benchmark of the checker widget in headless Chromium (run by scripts/bench-widget; not a test).

cold   time from navigation to the first answer on a permalink, divided by the time a bare page
       takes to loadPyodide() from the same files, both in fresh browser contexts (empty HTTP
       cache) of the same browser run. Each round runs one bare boot and one checker boot, in
       alternating order; the ratio is reported per round (median and range) and as the ratio
       of the medians.                                                  target <= 1.15
warm   change of a field -> answer rendered, p50/p95 over the changes of every round, made once
       the worker's warm-up after start-up is done (mark telecode-warm; worker.js explains).
                                                                        target p95 <= 20 ms
repeat a second visit of the permalink in the same context (HTTP cache warm: the Pyodide files
       and the Python snapshot), compared with the cold bare boot.       stretch: < 1.0

The checker's cold start restores the Python memory snapshot built with the site
(scripts/widget-snapshot.mjs); every round checks that it did (data-engine-from="snapshot").

One unmeasured bare boot comes first (chromium's own start-up work would slow the first round).
The machine's load average is printed with every round: on a shared machine the spread between
rounds is mostly other processes, so compare medians of runs made at similar load.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import os
import platform
import statistics
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
PERMALINK = ("/checker/?date_of_service=2025-03-10&payer=medicare&patient_status=established"
             "&modality=audio_only&minutes=25&mdm=low&patient_video_unavailable=true")
BARE_PAGE = """<!doctype html><meta charset="utf-8"><title>bare Pyodide</title>
<script type="module">
const { loadPyodide } = await import("../assets/pyodide/pyodide.mjs");
const pyodide = await loadPyodide({ indexURL: new URL("../assets/pyodide/", location.href).href });
pyodide.runPython("1 + 1");
performance.mark("bare-ready");
</script>
"""
FIRST_MARK = """name => new Promise(resolve => {
  const found = () => performance.getEntriesByName(name)[0];
  if (found()) return resolve(found().startTime);
  new PerformanceObserver((list, obs) => {
    const e = list.getEntriesByName(name)[0];
    if (e) { obs.disconnect(); resolve(e.startTime); }
  }).observe({ type: "mark", buffered: true });
})"""
WARM_LOOP = """async n => {
  const select = document.querySelector("select[name=mdm]");
  const values = ["moderate", "high", "straightforward", "low"];
  const out = [];
  for (let i = 0; i < n; i++) {
    const before = performance.getEntriesByName("telecode-answer").length;
    const next = new Promise(resolve => {
      const obs = new PerformanceObserver(() => {
        const marks = performance.getEntriesByName("telecode-answer");
        if (marks.length > before) { obs.disconnect(); resolve(marks[marks.length - 1]); }
      });
      obs.observe({ type: "mark" });
    });
    const t0 = performance.now();
    select.value = values[i % values.length];
    select.dispatchEvent(new Event("change", { bubbles: true }));
    const mark = await next;
    out.push([mark.startTime - t0, mark.detail.engineMs]);
    await new Promise(r => setTimeout(r, 5));
  }
  return out;
}"""


# The checker's start-up stages (marks the page places from the worker's timeline), in order.
STAGES = ["telecode-worker-start", "telecode-snapshot-read", "telecode-pyodide-loaded",
          "telecode-engine-ready", "telecode-answer"]
MARKS = """names => Object.fromEntries(names.map(n => {
  const e = performance.getEntriesByName(n)[0];
  return [n, e ? e.startTime : null];
}))"""


class Quiet(SimpleHTTPRequestHandler):
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map,
                      ".mjs": "text/javascript", ".wasm": "application/wasm"}

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


# The targets (#5): cold ratio, warm p95, repeat visit against a cold bare boot.
TARGETS = {"cold_ratio": 1.15, "warm_p95_ms": 20, "repeat_ratio": 1.0}


def spread(values: list[float], digits: int = 0) -> dict[str, float]:
    """Median and range, rounded (to whole numbers by default)."""
    def rnd(x: float) -> float:
        return round(x, digits) if digits else round(x)

    return {"median": rnd(statistics.median(values)), "min": rnd(min(values)),
            "max": rnd(max(values))}


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def load_text() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("site", type=Path, help="a built site (scripts/build DIR)")
    ap.add_argument("--rounds", type=int, default=7, help="rounds (each: bare + checker cold, "
                    "warm changes, repeat visit)")
    ap.add_argument("--changes", type=int, default=40, help="warm changes per round")
    ap.add_argument("--json", metavar="FILE", type=Path,
                    help="also write the numbers as JSON (docs/_data/widget-benchmark.json "
                         "feeds the site's /performance/ page)")
    args = ap.parse_args()

    bench_dir = args.site / "bench"
    bench_dir.mkdir(exist_ok=True)
    (bench_dir / "bare.html").write_text(BARE_PAGE, encoding="utf-8")
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(args.site))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"

    bare: list[float] = []
    cold: list[float] = []
    repeat: list[float] = []
    warm: list[float] = []
    warm_p95: list[float] = []
    warmed: list[float] = []  # first answer -> warm-up done
    engine_ms: list[float] = []
    stages: dict[str, list[float]] = {name: [] for name in STAGES}
    loads: list[float] = []
    browser_version = ""
    print(f"load average at start: {load_text()}", file=sys.stderr)

    def bare_boot(browser: Any) -> None:
        ctx = browser.new_context()
        page = ctx.new_page()
        page.goto(base + "/bench/bare.html")
        bare.append(page.evaluate(FIRST_MARK, "bare-ready"))
        ctx.close()

    def checker_visits(browser: Any) -> None:
        ctx = browser.new_context()
        page = ctx.new_page()
        page.goto(base + PERMALINK)
        cold.append(page.evaluate(FIRST_MARK, "telecode-answer"))
        state = page.get_attribute("[data-testid=result]", "data-state")
        assert state == "ready", f"checker answered with state {state!r}"
        booted = page.get_attribute("#telecode-checker", "data-engine-from")
        assert booted == "snapshot", f"cold visit started Python from {booted!r}"
        for name, at in page.evaluate(MARKS, STAGES).items():
            if at is not None:
                stages[name].append(at)
        warmed.append(page.evaluate(FIRST_MARK, "telecode-warm") - cold[-1])
        pairs = page.evaluate(WARM_LOOP, args.changes)
        warm.extend(total for total, _ in pairs)
        warm_p95.append(pct([total for total, _ in pairs], 0.95))
        engine_ms.extend(inside for _, inside in pairs)
        # Repeat visit: same context (warm HTTP cache).
        page.goto(base + PERMALINK)
        repeat.append(page.evaluate(FIRST_MARK, "telecode-answer"))
        booted = page.get_attribute("#telecode-checker", "data-engine-from")
        assert booted == "snapshot", f"repeat visit started Python from {booted!r}"
        ctx.close()

    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            browser_version = f"Chromium {browser.version}"
            # Warm-up, not counted: for its first seconds a new chromium runs a busy internal
            # WebUI renderer (seen in traces), which would slow whichever boot comes first.
            bare_boot(browser)
            bare.clear()
            for i in range(args.rounds):
                # Alternate which boot goes first, so neither always meets the same moment.
                if i % 2 == 0:
                    bare_boot(browser)
                    checker_visits(browser)
                else:
                    checker_visits(browser)
                    bare_boot(browser)
                loads.append(os.getloadavg()[0])
                print(f"round {i + 1}: bare {bare[-1]:.0f} ms, checker cold {cold[-1]:.0f} ms "
                      f"(ratio {cold[-1] / bare[-1]:.2f}), warm p95 {warm_p95[-1]:.1f} ms, "
                      f"repeat {repeat[-1]:.0f} ms; load {loads[-1]:.1f}", file=sys.stderr)
            browser.close()
    finally:
        server.shutdown()
        (bench_dir / "bare.html").unlink()
        bench_dir.rmdir()

    b, c, r = statistics.median(bare), statistics.median(cold), statistics.median(repeat)
    ratios = [x / y for x, y in zip(cold, bare, strict=True)]
    print(f"rounds: {len(bare)}; load average (1 min) during the rounds: median "
          f"{statistics.median(loads):.1f}, {min(loads):.1f}-{max(loads):.1f} "
          f"({os.cpu_count()} CPUs)")
    print(f"bare loadPyodide: median {b:.0f} ms ({min(bare):.0f}-{max(bare):.0f})")
    print(f"cold: navigation -> first answer: median {c:.0f} ms ({min(cold):.0f}-{max(cold):.0f})")
    print(f"cold ratio per round: median {statistics.median(ratios):.2f} "
          f"(range {min(ratios):.2f}-{max(ratios):.2f}); ratio of the medians {c / b:.2f} "
          f"(target <= {TARGETS['cold_ratio']})")
    steps = [f"{name.removeprefix('telecode-')} {statistics.median(at):.0f}"
             for name, at in stages.items() if at]
    print(f"      checker stages (median ms after navigation): {', '.join(steps)}")
    print(f"warm-up after the first answer (worker): median {statistics.median(warmed):.0f} ms "
          f"({min(warmed):.0f}-{max(warmed):.0f})")
    print(f"warm: change -> answer over {len(warm)} changes: p50 {pct(warm, 0.5):.1f} ms, "
          f"p95 {pct(warm, 0.95):.1f} ms, max {max(warm):.1f} ms "
          f"(target p95 <= {TARGETS['warm_p95_ms']:g} ms); "
          f"per-round p95 median {statistics.median(warm_p95):.1f} ms")
    print(f"      of which inside Python (engine.check + JSON): p50 {pct(engine_ms, 0.5):.2f} ms, "
          f"p95 {pct(engine_ms, 0.95):.2f} ms; the rest is the worker round trip and rendering")
    print(f"repeat visit -> first answer (median): {r:.0f} ms; ratio to cold bare boot "
          f"{r / b:.2f} (stretch: < {TARGETS['repeat_ratio']})")
    print(f"load average at end: {load_text()}")
    if args.json:
        manifest = json.loads((args.site / "assets" / "checker" / "engine.json")
                              .read_text(encoding="utf-8"))
        result = {
            "measured": dt.date.today().isoformat(),
            "machine": platform.machine(),
            "cpu_count": os.cpu_count(),
            "browser": browser_version,
            "codebook": manifest["codebook"],
            "download_bytes": manifest["download_bytes"],
            "rounds": len(bare),
            "changes": len(warm),
            "load_average": spread(loads, 1),
            "bare_ms": spread(bare),
            "cold_ms": spread(cold),
            "cold_ratio": spread(ratios, 2),
            "stages_ms": {name.removeprefix("telecode-"): round(statistics.median(at))
                          for name, at in stages.items() if at},
            "warm_up_ms": spread(warmed),
            "warm_ms": {"p50": round(pct(warm, 0.5), 1), "p95": round(pct(warm, 0.95), 1),
                        "max": round(max(warm), 1),
                        "round_p95_median": round(statistics.median(warm_p95), 1)},
            "python_ms": {"p50": round(pct(engine_ms, 0.5), 2),
                          "p95": round(pct(engine_ms, 0.95), 2)},
            "repeat_ms": spread(repeat),
            "repeat_ratio": round(r / b, 2),
            "targets": TARGETS,
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2, sort_keys=True) + "\n",
                             encoding="utf-8")
        print(f"wrote {args.json}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
