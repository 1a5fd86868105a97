"""mkdocs-macros entry point (mkdocs.yml: plugins.macros.module_name = docs/_site/macros).

Every macro renders one page section from the compiled codebook (see render.py) for the page
it is called on. Macros never compute an answer themselves; unknown macros, undefined
variables and failing macros fail the build (on_undefined: strict, on_error_fail: true).
"""

from __future__ import annotations

import functools
import html
import json
import logging
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parents[1]
if str(DOCS) not in sys.path:
    sys.path.insert(0, str(DOCS))

from _site import (  # noqa: E402
    claim_reasons,
    contract_schemas,
    downloads,
    pages_checker,
    render,
    source,
    views,
)
from _site.text import badge, esc, link  # noqa: E402

log = logging.getLogger("mkdocs.plugins.telecode")


def text_of_source(s: dict) -> str:
    """A source's short name: its title, cut at 70 characters."""
    title = " ".join(str(s.get("title") or s.get("id")).split())
    return title if len(title) <= 70 else title[:67].rstrip() + "…"


def define_env(env) -> None:
    """Register every macro; each one's failure is logged in plain words (then fails the
    build)."""
    def src() -> str:
        return env.page.file.src_uri

    env.macro = _logged(env.macro, src)  # the registrations below go through the wrapper
    _section_macros(env, src)
    _page_macros(env, src)
    _checker_macros(env)
    _fact_macros(env, src)


def _logged(real_macro, src):
    def macro(fn):
        """Register a macro whose failure is logged in plain words (then fails the build)."""
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except Exception as exc:
                call = ", ".join(repr(a) for a in args)
                log.error(f"docs/{src()}: {fn.__name__}({call}) failed: {exc}")
                raise
        return real_macro(wrapper)
    return macro


def cb():
    return source.codebook()


def _section_macros(env, src) -> None:
    """The render.py sections called as `name()` on a page: fn(codebook, page, *args)."""
    def section(fn):
        def macro(*args):
            return fn(cb(), src(), *args)
        macro.__name__ = fn.__name__
        macro.__doc__ = fn.__doc__
        env.macro(macro)
        return macro

    for fn in (render.home, render.change_pages, render.codes_by_year, render.families,
               render.print_links, render.modifiers_page, render.pos_page, render.payer_matrix,
               render.payer_list, render.flexibilities, render.faq_page, render.documentation,
               render.sources_page, render.conflicts_page, render.rules_page,
               render.status_vocabulary, claim_reasons.claim_reasons,
               claim_reasons.claims_performance):
        section(fn)


def _page_macros(env, src) -> None:
    """Whole generated pages and the small pieces of the hand-written ones."""
    @env.macro
    def code_page(code: str) -> str:
        """The whole body of /codes/<CODE>/ (generated pages call this)."""
        return render.code_page(cb(), str(code))

    @env.macro
    def print_year(year: int) -> str:
        return render.print_year(cb(), int(year))

    @env.macro
    def badge_for(kind: str, text: str | None = None) -> str:
        """A badge as shown on the site (used by the conventions page to explain them)."""
        return badge(src(), kind, text)

    @env.macro
    def meta(key: str) -> str:
        """A value of the codebook's meta (version, released, name), escaped."""
        value = cb().meta[key]
        return esc(value)

    @env.macro
    def covers(which: str) -> str:
        return esc(cb().meta["covers"][which])

    @env.macro
    def output_schema(name: str) -> str:
        """The fields of an engine output schema (engine/data/<name>.schema.json)."""
        return contract_schemas.page_section(name)

    @env.macro
    def schema_file(name: str) -> str:
        """A link to the schema file the site serves (pages_developers)."""
        contract_schemas.raw(name)  # an unknown name fails the build
        return link(src(), f"developers/{name}.schema.json", esc(f"{name}.schema.json"))



def _checker_macros(env) -> None:
    """The checker page's form and data."""
    @env.macro
    def payer_profile_options() -> str:
        """<option>s for the checker's payer select: the build's payer profiles that are chosen
        by their own id (a state's Medicaid program is chosen with the state field instead)."""
        full = source.with_profiles()
        profiles = [p for p in full.payers.values() if p.get("profile") and not p.get("state")]
        return "\n".join(f'    <option value="{esc(p["id"])}">{esc(p.get("name") or p["id"])}'
                         "</option>"
                         for p in sorted(profiles, key=lambda p: str(p.get("name") or p["id"])))

    @env.macro
    def checker_select(name: str, help: bool = False, selected: str | None = None,
                       group: str | None = None) -> str:
        """A contract field's <select> on the checker page (pages_checker.select); with
        `group`, the named payer plans in an <optgroup> of that label."""
        return pages_checker.select(cb(), str(name), bool(help), selected, group,
                                    payer_profile_options() if group is not None else "")

    @env.macro
    def checker_box(name: str) -> str:
        """A true/false contract field's checkbox on the checker page (pages_checker.box)."""
        return pages_checker.box(str(name))

    @env.macro
    def checker_contract() -> str:
        """The encounter contract as JSON for checker.js (pages_checker.contract_element)."""
        return pages_checker.contract_element(cb())



def _fact_macros(env, src) -> None:
    """Facts of the codebook and the build: dates, counts, source names, downloads."""
    @env.macro
    def answers_to() -> str:
        """The last day the engine answers (the end of any provisional period)."""
        return esc(cb().answers_to)

    @env.macro
    def stale_after_words() -> str:
        """mkdocs.yml extra.stale_after in words ("12m" -> "12 months")."""
        text = str(env.conf["extra"].get("stale_after") or "").strip()
        units = {"d": "days", "w": "weeks", "m": "months", "y": "years"}
        if text[:-1].isdigit() and text[-1:] in units:
            return f"{text[:-1]} {units[text[-1]]}"
        return esc(text)

    @env.macro
    def year_in_force() -> int:
        return views.current_year(cb())

    @env.macro
    def counts() -> str:
        b = cb().bundle
        return (f"{len(b['codes'])} code versions of {len(cb().code_index)} codes, "
                f"{len(b['routes'])} payer instructions on what to report, "
                f"{len(b['rules'])} rules, "
                f"{len(b['faqs'])} FAQs, {len(b['sources'])} sources")

    @env.macro
    def checker_source_names() -> str:
        """The checker's names for sources (its answers cite source ids), as JSON in an
        attribute (not a script element: instant navigation would run it as JavaScript)."""
        names = {sid: text_of_source(s) for sid, s in sorted(cb().sources.items())}
        data = html.escape(json.dumps(names, sort_keys=True, ensure_ascii=True), quote=True)
        return f'<div id="tc-source-names" hidden data-names="{data}"></div>'

    @env.macro
    def flat_columns() -> str:
        """The column guide of code-payer-year.csv."""
        rows = [f"| `{name}` | {esc(what)} |" for name, what in downloads.FLAT_COLUMNS]
        return "\n".join(["| Column | What it holds |", "|---|---|", *rows])

    @env.macro
    def downloads_list() -> str:
        rows = []
        for path, data in downloads.files(cb()).items():
            name = path.rsplit("/", 1)[-1]
            rows.append(f"| {link(src(), path, esc(name))} | {len(data):,} bytes | "
                        f"<code>{downloads.sha256(data)[:16]}…</code> |")
        return "\n".join(["| File | Size | SHA-256 (first 16) |", "|---|---|---|", *rows])
