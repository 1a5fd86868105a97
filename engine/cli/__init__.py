"""The `telecode` command line: one subcommand per module, imported lazily.

The engine core never imports maintainer tooling; each subcommand module imports only
what it needs, so `telecode check` runs on the standard library alone.
"""

from __future__ import annotations

import importlib
import sys

# subcommand -> (module, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "check": ("engine.cli.check", "what to report for one encounter"),
    "batch": ("engine.cli.batch", "check a CSV/JSONL file of encounters and billed lines"),
    "claims": ("engine.cli.claims", "check claim files (837P, FHIR, CSV) before submission"),
    "payers": ("engine.cli.payers", "list the payers and payer profiles a build knows"),
    "payer-profile": ("engine.cli.payer_profile", "write (init) or check (validate) your own "
                      "payer profiles"),
    "validate": ("engine.cli.validate", "validate the codebook (schema + lint rules)"),
    "compile": ("engine.cli.compile", "write the codebook as one JSON bundle"),
    "diff": ("engine.cli.diff", "value-level changes between two years or dates"),
    "new-year": ("engine.cli.new_year", "prepare the yearly review worksheet"),
    "import-rvu": ("engine.cli.import_rvu", "compare a CMS PPRRVU file with the codebook"),
    "import-cms-list": ("engine.cli.import_cms_list", "compare the CMS telehealth list"),
}


def usage() -> str:
    width = max(len(name) for name in COMMANDS)
    lines = ["usage: telecode COMMAND [options]", "", "commands:"]
    lines += [f"  {name:<{width}}  {help_}" for name, (_, help_) in COMMANDS.items()]
    lines += ["", "Run 'telecode COMMAND --help' for a command's options."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help", "help"):
        print(usage())
        return 0
    name, rest = args[0], args[1:]
    if name not in COMMANDS:
        print(f"telecode: unknown command {name!r}\n\n{usage()}", file=sys.stderr)
        return 2
    from engine.cli._common import run_command

    def body() -> int:
        module = importlib.import_module(COMMANDS[name][0])
        return int(module.run(rest) or 0)

    return run_command(name, body)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
