"""Load the compiled codebook bundle and answer questions about it.

The bundle is the JSON written by `telecode compile` (see codebook/README.md). `Codebook`
wraps it and precomputes dictionary indexes once, so the engine, the batch checker and the
site ask "which version of 99213 is valid on 2025-03-10?" or "what does Medicare pay for
98013 on that date?" with dictionary lookups instead of scanning lists.

Dates are "YYYY-MM-DD" strings everywhere; ISO strings compare correctly as strings, and
an open `to` (null) means "still holds".

Standard library only (this module runs in Pyodide).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: importing typing costs start-up time
    from typing import Any

__all__ = [
    "Codebook",
    "CodebookError",
    "DEFAULT_PATH",
    "NO_RECORD",
    "NOT_VALID_ON_DATE",
    "PAYABLE_STATUSES",
    "load_codebook",
    "in_range",
]

# engine/data/codebook.json: beside the core, in the `engine` folder (the browser wheel has both)
DEFAULT_PATH = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data",
                            "codebook.json")

# Sentinels returned by Codebook.status_of when there is no status record to return.
NO_RECORD = "no_record"                  # the code exists on the date; the payer has no record
NOT_VALID_ON_DATE = "not_valid_on_date"  # the code does not exist on the date (or at all)

# Status vocabulary (codebook/README.md): the statuses under which a payer pays the code.
# `contractor_priced` (the MAC prices it) and `varies` (plan or state decides) are payable
# defaults; every other status means "do not report this code to this payer".
PAYABLE_STATUSES = frozenset({"payable", "contractor_priced", "varies"})


class CodebookError(Exception):
    """The compiled codebook is missing or unreadable. The message says how to fix it."""


def in_range(record: dict[str, Any], day: str) -> bool:
    """True when `day` lies in the record's [from, to] (to inclusive, null = open)."""
    start = record.get("from")
    end = record.get("to")
    return (start is None or start <= day) and (end is None or day <= end)


def _by_id(items: Iterable[dict[str, Any]], key: str = "id") -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for item in items:
        ident = item.get(key)
        if ident is not None and ident not in out:
            out[ident] = item
    return out


class Codebook:
    """A loaded bundle plus lookup indexes. Build it with `load_codebook` or `Codebook(bundle)`."""

    def __init__(self, bundle: dict[str, Any], path: str | None = None) -> None:
        if not isinstance(bundle, dict):
            raise CodebookError("the codebook bundle is not a JSON object; run `telecode compile`")
        self.source_bundle = bundle  # as given (payer profiles not yet resolved)
        if bundle.get("payer_profiles"):
            from engine.core.profiles import ProfileError, resolve

            try:
                bundle = resolve(bundle)
            except ProfileError as exc:
                raise CodebookError(str(exc)) from None
        self.bundle = bundle
        self.path = path
        b = bundle
        if not isinstance(b, dict):
            raise CodebookError("the codebook bundle is not a JSON object; run `telecode compile`")
        _refuse_bad_shape(b, path, complete=False)
        self._read_meta(b.get("meta") or {})
        self.sources = _by_id(b.get("sources", []))
        self.families = _by_id(b.get("families", []))
        self._index_payers(b)
        self.conflicts = _by_id(b.get("conflicts", []))
        self.messages = _by_id(b.get("messages", []))
        self.routes = list(b.get("routes", []))
        self.rules = list(b.get("rules", []))
        self.flexibilities = sorted(b.get("flexibilities", []), key=lambda p: p.get("from") or "")
        self.faqs = list(b.get("faqs", []))
        # kind (payer, modality, clinician, patient_status, status, time_basis) -> value -> words
        self.labels: dict[str, dict[str, str]] = b.get("labels") or {}
        # name -> words that fill {validity}, {replacement}, {report} (messages.yaml `phrases:`)
        self.phrases: dict[str, str] = b.get("phrases") or {}
        self._index_records(b)

        # (payer, modality) -> rules whose payer/modality scope admits them, bundle order.
        # Built lazily per key (payers x modalities is small; only used pairs are built).
        self._rule_cache: dict[tuple[str, str], list[dict[str, Any]]] = {}

    def _read_meta(self, meta: dict[str, Any]) -> None:
        """The version, the reviewed coverage, the provisional periods, the last day answered."""
        self.meta: dict[str, Any] = meta
        self.version = f"{meta.get('version', '?')}+{str(meta.get('hash') or '')[:12]}"
        covers = meta.get("covers") or {}
        self.covers_from: str | None = covers.get("from")
        self.covers_to: str | None = covers.get("to")
        # dates after the reviewed coverage answered provisionally (codebook.yaml provisional:)
        self.provisional: list[dict[str, Any]] = sorted(
            (p for p in meta.get("provisional") or () if isinstance(p, dict)
             and isinstance(p.get("from"), str) and isinstance(p.get("to"), str)),
            key=lambda p: p["from"])
        # the last day the engine answers: the reviewed coverage, then any provisional period
        self.answers_to: str | None = self.covers_to
        if self.provisional and self.covers_to is not None:
            self.answers_to = max(self.covers_to, self.provisional[-1]["to"])

    def _index_payers(self, b: dict[str, Any]) -> None:
        """The payers by id, each one's chain of bases, the rules it ignores, the Medicaid
        state programs."""
        self.payers = _by_id(b.get("payers", []))
        # payer -> (payer, its base, ..., the root payer): rules and statuses of the chain apply
        self.payer_chain: dict[str, tuple[str, ...]] = {
            pid: tuple(p.get("chain") or (pid,)) for pid, p in self.payers.items()}
        self.payer_ids: tuple[str, ...] = tuple(self.payers)
        # base rules a profile (or one of its bases) ignores
        self._ignored: dict[str, frozenset[str]] = {
            pid: frozenset(r for q in chain for r in (self.payers.get(q) or {}).get("ignores")
                           or ()) for pid, chain in self.payer_chain.items()}
        # Medicaid state (two capitals) -> the profile of the state's program (base medicaid;
        # a profile built on it, e.g. a managed care plan, is asked for by its own id)
        self.medicaid_states: dict[str, str] = {
            p["state"]: pid for pid, p in self.payers.items()
            if p.get("type") == "medicaid" and p.get("base") == "medicaid" and p.get("state")}

    def _index_records(self, b: dict[str, Any]) -> None:
        """The lookup indexes of modifiers, places of service, codes, statuses, routes and
        rules (self.routes and self.rules already read)."""
        self.modifiers_by_code: dict[str, list[dict[str, Any]]] = {}
        for m in b.get("modifiers", []):
            self.modifiers_by_code.setdefault(m.get("code"), []).append(m)
        self.pos_by_code: dict[str, list[dict[str, Any]]] = {}
        for p in b.get("places_of_service", []):
            self.pos_by_code.setdefault(p.get("code"), []).append(p)

        # code -> versions sorted by from; family -> versions in bundle order
        self.code_index: dict[str, list[dict[str, Any]]] = {}
        self.family_codes: dict[str, list[dict[str, Any]]] = {}
        for c in b.get("codes", []):
            self.code_index.setdefault(c["code"], []).append(c)
            self.family_codes.setdefault(c.get("family"), []).append(c)
        for versions in self.code_index.values():
            versions.sort(key=lambda v: v.get("from") or "")

        # (payer, code) -> status records in bundle order
        self.status_index: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for s in b.get("statuses", []):
            for code in s.get("codes", []):
                self.status_index.setdefault((s.get("payer"), code), []).append(s)

        # (payer, modality) -> routes in bundle order
        self.route_index: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.routes_by_payer: dict[str, list[dict[str, Any]]] = {}
        for r in self.routes:
            self.route_index.setdefault((r.get("payer"), r.get("modality")), []).append(r)
            self.routes_by_payer.setdefault(r.get("payer"), []).append(r)
        self.routes_by_id = _by_id(self.routes)
        self.rules_by_id = _by_id(self.rules)

    def __repr__(self) -> str:
        return f"Codebook(version={self.version!r}, path={self.path!r})"

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:  # noqa: ARG002 - the hypothesis / IPython printer protocol
        p.text(repr(self))

    # ---- codes ---------------------------------------------------------------------------
    def code_versions(self, code: str) -> list[dict[str, Any]]:
        """Every version of `code`, sorted by `from` (empty list for an unknown code)."""
        return self.code_index.get(code, [])

    def code_on(self, code: str, day: str) -> dict[str, Any] | None:
        """The version of `code` valid on `day`, or None."""
        for v in self.code_index.get(code, ()):
            if in_range(v, day):
                return v
        return None

    def code_validity(self, code: str, day: str) -> str:
        """`valid`, `not_yet_valid`, `deleted` (or between versions: `not_valid`), or `unknown`."""
        versions = self.code_index.get(code)
        if not versions:
            return "unknown"
        if any(in_range(v, day) for v in versions):
            return "valid"
        if all((v.get("from") or "") > day for v in versions):
            return "not_yet_valid"
        if all(v.get("to") is not None and v["to"] < day for v in versions):
            return "deleted"
        return "not_valid"

    def family(self, family_id: str) -> dict[str, Any] | None:
        return self.families.get(family_id)

    def codes_of_family(self, family_id: str, day: str | None = None) -> list[dict[str, Any]]:
        """Code versions of a family (bundle order), only those valid on `day` when given."""
        versions = self.family_codes.get(family_id, [])
        if day is None:
            return list(versions)
        return [v for v in versions if in_range(v, day)]

    # ---- payers and statuses ---------------------------------------------------------------
    def payer(self, payer_id: str) -> dict[str, Any] | None:
        return self.payers.get(payer_id)

    def payer_short_name(self, payer_id: str) -> str:
        """The payer's name for tables and short sentences: its `short_name`, else its `name`
        (else the id, for a payer the codebook does not know)."""
        p = self.payers.get(payer_id) or {}
        return str(p.get("short_name") or p.get("name") or payer_id)

    def effective_payer(self, payer: str, state: str | None) -> str:
        """The payer the engine answers for: `medicaid` with a state that has a profile is that
        profile; any other payer is itself."""
        if payer == "medicaid" and state:
            return self.medicaid_states.get(state, payer)
        return payer

    def status_of(self, code: str, payer: str, day: str) -> dict[str, Any] | str:
        """The payer's status record for `code` on `day`.

        Returns the record (a dict with "status", "instead", sources ...), or the sentinel
        NOT_VALID_ON_DATE when the code does not exist on that day, or NO_RECORD when the
        code exists but the payer has no status record covering the day.
        """
        if self.code_on(code, day) is None:
            return NOT_VALID_ON_DATE
        for p in self.payer_chain.get(payer) or (payer,):
            for s in self.status_index.get((p, code), ()):
                if in_range(s, day):
                    return s
        return NO_RECORD

    def status_name(self, code: str, payer: str, day: str) -> str:
        """Just the status word: a vocabulary status, `no_record` or `not_valid_on_date`."""
        s = self.status_of(code, payer, day)
        return s if isinstance(s, str) else str(s.get("status"))

    def is_payable(self, code: str, payer: str, day: str) -> bool:
        """False only when the payer has a status record saying it does not pay the code."""
        s = self.status_of(code, payer, day)
        if s == NOT_VALID_ON_DATE:
            return False
        if s == NO_RECORD:
            return True
        return s.get("status") in PAYABLE_STATUSES  # type: ignore[union-attr]

    # ---- routes and rules --------------------------------------------------------------------
    def routes_of(self, payer: str, modality: str | None = None) -> list[dict[str, Any]]:
        """Routes of a payer (bundle order), only those for `modality` when given."""
        if modality is None:
            return self.routes_by_payer.get(payer, [])
        return self.route_index.get((payer, modality), [])

    def route(self, route_id: str) -> dict[str, Any] | None:
        return self.routes_by_id.get(route_id)

    def rule(self, rule_id: str) -> dict[str, Any] | None:
        return self.rules_by_id.get(rule_id)

    def rules_for(self, payer: str, modality: str) -> list[dict[str, Any]]:
        """Rules (bundle order) whose scope does not exclude this payer and modality."""
        key = (payer, modality)
        cached = self._rule_cache.get(key)
        if cached is None:
            cached = []
            chain = self.payer_chain.get(payer) or (payer,)
            ignored = self._ignored.get(payer) or frozenset()
            for r in self.rules:
                scope = r.get("scope") or {}
                payers = scope.get("payers")
                modalities = scope.get("modalities")
                if payers and not any(p in payers for p in (
                        (payer,) if r.get("exact_payer") else chain)):
                    continue
                if ignored and r.get("id") in ignored:
                    continue
                if modalities and modality not in modalities:
                    continue
                cached.append(r)
            self._rule_cache[key] = cached
        return cached

    # ---- policies, messages, sources -----------------------------------------------------------
    def flexibility_on(self, day: str) -> dict[str, Any] | None:
        """The Medicare flexibilities period in force on `day`, or None."""
        for p in self.flexibilities:
            if in_range(p, day):
                return p
        return None

    def flexibility(self, period_id: str) -> dict[str, Any] | None:
        for p in self.flexibilities:
            if p.get("id") == period_id:
                return p
        return None

    def conflict(self, conflict_id: str) -> dict[str, Any] | None:
        return self.conflicts.get(conflict_id)

    def message(self, message_id: str) -> dict[str, Any] | None:
        return self.messages.get(message_id)

    def label(self, kind: str, value: Any) -> str:
        """Words for an enum value (messages.yaml `labels:`); without a label, the value with
        spaces for underscores (never a raw id such as audio_video); "" for None."""
        if value is None:
            return ""
        words = (self.labels.get(kind) or {}).get(value)
        return words if isinstance(words, str) and words else str(value).replace("_", " ")

    def source(self, source_id: str) -> dict[str, Any] | None:
        return self.sources.get(source_id)

    def modifier_on(self, code: str, day: str) -> dict[str, Any] | None:
        for m in self.modifiers_by_code.get(code, ()):
            if in_range(m, day):
                return m
        return None

    def pos_on(self, code: str, day: str) -> dict[str, Any] | None:
        for p in self.pos_by_code.get(code, ()):
            if in_range(p, day):
                return p
        return None

    def covers(self, day: str) -> bool:
        """True when `day` lies in the reviewed coverage, meta.covers."""
        return (self.covers_from is None or self.covers_from <= day) and (
            self.covers_to is None or day <= self.covers_to
        )

    def provisional_on(self, day: str) -> dict[str, Any] | None:
        """The provisional period `day` falls in, or None (reviewed, or not answered)."""
        for period in self.provisional:
            if period["from"] <= day <= period["to"]:
                return period
        return None


def load_codebook(path: str | os.PathLike[str] | None = None) -> Codebook:
    """Load a compiled bundle (default: engine/data/codebook.json next to this package)."""
    p = os.fspath(path) if path is not None else DEFAULT_PATH
    try:
        with open(p, encoding="utf-8") as fh:
            bundle = json.load(fh)
    except FileNotFoundError:
        raise CodebookError(
            f"{p}: compiled codebook not found. Run `telecode compile -o {p}` "
            "(scripts/test and scripts/serve do this for you)."
        ) from None
    except (OSError, ValueError) as exc:
        raise CodebookError(
            f"{p}: cannot read the compiled codebook ({exc}). "
            "Run `telecode compile` to regenerate it."
        ) from None
    _refuse_bad_shape(bundle, p, complete=True)
    return Codebook(bundle, path=p)


def _refuse_bad_shape(bundle: Any, path: str | None, complete: bool) -> None:
    from engine.core.bundle_shape import shape_problems

    problems = shape_problems(bundle, complete)
    if problems:
        raise CodebookError(
            f"{path or 'the bundle'}: not a compiled telecode codebook ({'; '.join(problems)}). "
            "Run `telecode compile` to make one."
        )
