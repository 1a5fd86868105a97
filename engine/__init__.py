"""telecode: what to report for a US telehealth encounter, from the compiled codebook.

The package is in four layers, each importing only the ones before it:

    engine.core      the engine (standard library only; the only layer in the browser wheel)
    engine.batch     many encounters or billed rows at once (memos, cells, the CSV fast path)
    engine.cli       the `telecode` command, one module per subcommand
    engine.tooling   maintainer tooling: load, schema, lint, compile, diff, new_year, importers

The public API (v1) is the core's, re-exported here so `import engine; engine.check(...)` works:

    cb = engine.load_codebook()            # engine/data/codebook.json by default
    result = engine.check(encounter, cb)   # dict: codebook/schema/result.schema.json
    engine.EncounterError                  # invalid encounter; .errors = [{"field","message"}]

See engine/core/__init__.py for the query helpers on Codebook.
"""

from __future__ import annotations

from engine.core import *  # noqa: F403 (the core's public API, re-exported as is)
from engine.core import __all__ as __all__
