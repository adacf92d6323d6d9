"""上月行动跟踪 and the key points on the sample: last month's timetable is what this month follows up."""

import pytest

from salesnb.findings import all_findings
from salesnb.pack import PARTS, action_items, key_points, tracking_frame
from salesnb.report import open_report


@pytest.fixture(scope="module")
def months(sample):
    return open_report(period="2026-09", region="华东", dataset=sample), open_report(
        period="2026-10", region="华东", dataset=sample
    )


def test_this_month_follows_up_every_action_of_last_month(months):
    before, now = months
    planned = {a["id"]: a for a in action_items(before)}
    followed = tracking_frame(now)
    assert planned and set(followed["id"]) == set(planned)
    current = {f["id"] for f in all_findings(now)}
    for row in followed.itertuples(index=False):
        assert row.owner == planned[row.id]["owner"] and row.due == planned[row.id]["due"]
        assert row.value_then == planned[row.id]["value"]
        assert (row.outcome == "done") == (row.id not in current)  # done exactly when the finding is gone


def test_every_part_has_at_most_three_key_points(months):
    _, now = months
    for part in PARTS:
        points = key_points(now, part)
        assert len(points.points) <= 3
        assert points.points or points.empty_note
        assert "<ul" in points.html() or "salesnb-note" in points.html()


def test_key_points_quote_the_published_numbers(months):
    _, now = months
    (first, *_) = key_points(now, "performance").points
    assert "510.7万" in first and "96.4%" in first  # revenue and attainment of 华东 2026-10 (metrics.json)


def test_an_unknown_part_is_refused(months):
    with pytest.raises(ValueError, match="unknown part"):
        key_points(months[1], "weather")
