"""Benchmark of the checker widget in headless Chromium (run by scripts/bench-widget; not a test).

cold   time from navigation to the first answer on a permalink, divided by the time a bare page
       takes to loadPyodide() from the same files, both in fresh browser contexts (empty HTTP
       cache) of the same browser run, alternating; medians.            target <= 1.15
warm   change of a field -> answer rendered, p50/p95 over many changes.  target p95 <= 20 ms
repeat a second visit of the permalink in the same context (HTTP cache warm, Pyodide memory
       snapshot restored from Cache Storage), compared with the cold bare boot. stretch: < 1.0
"""

from __future__ import annotations

import argparse
import functools
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


class Quiet(SimpleHTTPRequestHandler):
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map,
                      ".mjs": "text/javascript", ".wasm": "application/wasm"}

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("site", type=Path, help="a built site (scripts/build DIR)")
    ap.add_argument("--rounds", type=int, default=5, help="cold rounds (each: bare + checker)")
    ap.add_argument("--changes", type=int, default=60, help="warm changes")
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
    engine_ms: list[float] = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            for i in range(args.rounds):
                ctx = browser.new_context()
                page = ctx.new_page()
                page.goto(base + "/bench/bare.html")
                bare.append(page.evaluate(FIRST_MARK, "bare-ready"))
                ctx.close()

                ctx = browser.new_context()
                page = ctx.new_page()
                page.goto(base + PERMALINK)
                cold.append(page.evaluate(FIRST_MARK, "telecode-answer"))
                state = page.get_attribute("[data-testid=result]", "data-state")
                assert state == "ready", f"checker answered with state {state!r}"
                if i == 0:
                    pairs = page.evaluate(WARM_LOOP, args.changes)
                    warm = [total for total, _ in pairs]
                    engine_ms = [inside for _, inside in pairs]
                # Repeat visit: same context (warm HTTP cache), once the worker has saved its
                # memory snapshot in Cache Storage.
                page.wait_for_selector("#telecode-checker[data-snapshot-saved=true]",
                                       state="attached", timeout=120_000)
                page.goto(base + PERMALINK)
                repeat.append(page.evaluate(FIRST_MARK, "telecode-answer"))
                booted = page.get_attribute("#telecode-checker", "data-engine-from")
                assert booted == "snapshot", f"repeat visit started Python from {booted!r}"
                ctx.close()
                print(f"round {i + 1}: bare {bare[-1]:.0f} ms, checker cold {cold[-1]:.0f} ms, "
                      f"repeat {repeat[-1]:.0f} ms", file=sys.stderr)
            browser.close()
    finally:
        server.shutdown()
        (bench_dir / "bare.html").unlink()
        bench_dir.rmdir()

    b, c, r = statistics.median(bare), statistics.median(cold), statistics.median(repeat)
    print(f"bare loadPyodide (median of {len(bare)}): {b:.0f} ms")
    print(f"cold: navigation -> first answer (median): {c:.0f} ms; ratio {c / b:.2f} "
          f"(target <= 1.15)")
    print(f"warm: change -> answer over {len(warm)} changes: p50 {pct(warm, 0.5):.1f} ms, "
          f"p95 {pct(warm, 0.95):.1f} ms, max {max(warm):.1f} ms (target p95 <= 20 ms)")
    print(f"      of which inside Python (engine.check + JSON): p50 {pct(engine_ms, 0.5):.2f} ms, "
          f"p95 {pct(engine_ms, 0.95):.2f} ms; the rest is the worker round trip and rendering")
    print(f"repeat visit -> first answer (median): {r:.0f} ms; ratio to cold bare boot "
          f"{r / b:.2f} (stretch: < 1.0)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
