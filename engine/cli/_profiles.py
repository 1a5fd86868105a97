"""--payer-profiles DIR (or TELECODE_PAYER_PROFILES) for check, batch and the commands after
them: the compiled codebook plus a practice's own payer profiles, or the problems that stop
them (each `file:line: entry: what — fix`; exit status 2)."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from engine.core.codebook import Codebook

OPTION_HELP = ("a folder of your own payer profiles (YAML or JSON; default: "
               "$TELECODE_PAYER_PROFILES)")


class ProfileProblems(Exception):
    """Local payer profiles that do not pass; `lines` are the problems as printed."""

    def __init__(self, folder: str, lines: list[str]) -> None:
        super().__init__(f"payer profiles in {folder} do not pass:\n  " + "\n  ".join(lines))
        self.folder = folder
        self.lines = lines


def load_with_profiles(path: str | None, option: str | None) -> Codebook:
    """The compiled codebook at `path` (default: the engine's) with the local profiles of
    --payer-profiles / TELECODE_PAYER_PROFILES. Raises CodebookError or ProfileProblems, whose
    text is the message to print."""
    from engine.core.codebook import load_codebook

    return with_local_profiles(load_codebook(path), option)


def with_local_profiles(cb: Codebook, option: str | None) -> Codebook:
    """`cb`, plus the profiles of --payer-profiles / TELECODE_PAYER_PROFILES when given."""
    import os

    folder = option or os.environ.get("TELECODE_PAYER_PROFILES") or None
    if not folder:
        return cb
    # YAML and the lint rules: only when a practice gives its own profiles
    from engine.tooling.payer_profiles import load_profile_folder, with_profiles

    local = load_profile_folder(folder, cb)
    if not local.ok:
        raise ProfileProblems(folder, [str(p) for p in local.problems])
    return with_profiles(cb, local)
