"""Tables built once per dataset and sliced per month equal the month-by-month computation they replace."""

import pandas as pd
import pytest

from product.helpers import SAMPLE
from salesnb.data import facts
from salesnb.product.common import lines, with_scopes
from salesnb.product.lines import line_months, scope_line_months
from salesnb.report import open_report

MONTHS = ["2025-10", "2026-03", "2026-09", "2026-10"]


@pytest.mark.parametrize("region", ["ALL", "华东", "西南"])
def test_line_months_slices_equal_the_months_grouping(region):
    for period in MONTHS:
        report = open_report(str(SAMPLE), period, region)
        months = sorted({*report.history(24), period})
        definition = scope_line_months(with_scopes(facts.in_months(lines(report.ds), months), report))
        pd.testing.assert_frame_equal(line_months(report, months), definition, check_exact=True)
