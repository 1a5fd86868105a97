"""A problem found in the codebook: where it is, what is wrong, how to fix it.

The class lives in the core (engine/core/problems.py), so that the browser checker reports a
practice's payer profile in the same words as `telecode payer-profile validate`."""

from __future__ import annotations

from engine.core.problems import Problem, sort_problems

__all__ = ["Problem", "sort_problems"]
