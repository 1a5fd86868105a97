"""The batch's date stretches and the engine's segments come from one algorithm
(engine.core.stretches)."""

from __future__ import annotations

from engine.batch.cells import date_representatives
from engine.core.claim import _segment_starts
from engine.core.plan import segments
from engine.core.stretches import Stretches


def test_the_three_callers_cut_the_real_codebook_alike(real_cb):
    """Plan segments, claim-mode segments and batch stretches come from one algorithm: each
    caller's record set is a subset of the batch's (which walks every date of the bundle), so
    two days in one batch stretch are in one plan segment and one claim segment."""
    plan, claim = segments(real_cb), Stretches(_segment_starts(real_cb))
    reps = date_representatives(real_cb.bundle)
    assert reps
    for day, rep in reps.items():
        assert plan.index(day) == plan.index(rep), day
        assert claim.index(day) == claim.index(rep), day
    assert set(plan.starts) <= set(claim.starts)
