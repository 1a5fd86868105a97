"""The site's rendering package (not part of the built site: mkdocs.yml excludes `_site/`).

- `source.py`   loads the compiled codebook once per build and the engine that reads it.
- `text.py`     escaping, links between pages, badges: the only place codebook text is turned
                into Markdown/HTML.
- `views.py`    small pure functions the site needs that the engine does not offer (status
                segments over a year, routes/rules that concern a code, FAQ result comparison,
                a representative encounter per code confirmed by the engine).
- `render.py`   one function per page section; returns Markdown.
- `macros.py`   mkdocs-macros entry point: exposes the render functions to hand-written pages.
- `hook.py`     mkdocs hook: page generators (`pages_*.py`), nav extensions, deterministic dates.
- `pages_*.py`  page generators, discovered by hook.py (see the extension point documented there).

Nothing here states a coding rule: every fact comes from the bundle, every answer from the
engine.
"""
