"""The executive summary does not depend on which months the kernel ran before (the batch's reuse order)."""

from salesnb import report as report_module
from salesnb.followup import scope_state
from salesnb.report import dumps, open_report


def test_summary_reusing_last_months_rules_equals_a_cold_one(sample):
    def state(period: str) -> str:
        return dumps(scope_state(open_report(dataset=sample, period=period, region="华东")))

    report_module._SHARED.pop(sample, None)
    cold = state("2026-10")
    report_module._SHARED.pop(sample, None)
    state("2026-09")  # as a worker that ran the region's previous month: its rules and look-back are memoised
    warm = state("2026-10")
    report_module._SHARED.pop(sample, None)
    assert warm == cold
    assert '"previous": []' not in cold  # last month's findings are in play
