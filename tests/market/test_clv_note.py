"""客户终身价值's note when the Gamma-Gamma spend model is not used: how many repeat buyers, and why."""

from __future__ import annotations

from pathlib import Path

import pytest

from market.helpers import steady_report
from salesnb import market
from salesnb.errors import ModelFitError
from salesnb.models import customer_value


def test_an_unfitted_spend_model_keeps_the_repeat_buyers_count_and_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """30 regulars buy every month: the note must not say 0 repeat buyers, nor that there are too few."""

    def no_fit(*args: object, **kwargs: object) -> None:
        raise ModelFitError("spend too uneven")

    monkeypatch.setattr(customer_value, "fit_gamma_gamma", no_fit)
    note = market.clv_panel(steady_report(tmp_path)).note
    assert "p=—, q=—, γ=—（30 个复购客户）" in note
    assert "单次购买金额差异过大" in note and "复购客户太少" not in note
