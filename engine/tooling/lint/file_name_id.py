"""File names match ids: codes/<family id>.yaml, payers/<payer id>.yaml, routes/<payer>.yaml
holds only that payer's routes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath

from engine.tooling.lint import LintContext
from engine.tooling.problems import Problem

RULE = "file-name-id"
DESCRIPTION = "a family, payer or route does not match the name of its file"


def check(ctx: LintContext) -> Iterator[Problem]:
    for record in ctx.index.of("family") + ctx.index.of("payer") + ctx.index.of("profile"):
        stem = PurePosixPath(record.file).stem
        if record.id and record.id != stem:
            folder = {"family": "codes", "payer": "payers"}.get(
                record.kind, str(PurePosixPath(record.file).parent))
            yield record.problem(
                RULE, f"{record.kind} id '{record.id}' does not match the file name",
                f"rename the file to {folder}/{record.id}.yaml or set id: {stem}", "id")
    for route in ctx.index.of("route"):
        stem = PurePosixPath(route.file).stem
        payer = route.get("payer")
        if isinstance(payer, str) and payer != stem:
            yield route.problem(
                RULE, f"route for payer '{payer}' is in routes/{stem}.yaml",
                f"move it to routes/{payer}.yaml (or fix its payer)", "payer")
