"""春节 keys: which January/February month plays the festival's part, and the month a year back that matches."""

from salesnb.config import default_config, merge
from salesnb.seasons import FESTIVAL, OTHER, festival_months, festival_unseen, season_key, season_keys, year_back


def test_festival_months_come_from_the_calendar_dates():
    table = festival_months(default_config())
    assert (table[2023], table[2024], table[2025], table[2026]) == (1, 2, 1, 2)  # 01-22, 02-10, 01-29, 02-17
    assert min(table) == 2015 and max(table) == 2035
    mine = merge(default_config(), {"calendar": {"spring_festival": ["2040-01-30", "2041-02-17", "2042-05-01"]}})
    assert festival_months(mine) == {2040: 1, 2041: 2}  # a user list replaces the table; May is not 春节


def test_season_keys_follow_the_festival():
    table = {2024: 2, 2025: 1}
    assert season_keys(["2024-01", "2024-02", "2025-01", "2025-02", "2025-03"], table) == [
        OTHER, FESTIVAL, FESTIVAL, OTHER, 3,
    ]  # fmt: skip
    assert season_key("2023-01", table) == 1 and season_key("2023-02", table) == 2  # not in the table: calendar


def test_year_back_matches_the_festival_month_with_last_years():
    table = festival_months(default_config())
    assert year_back("2025-01", table) == "2024-02"  # festival January against last year's festival February
    assert year_back("2025-02", table) == "2024-01"
    assert year_back("2027-02", table) == "2026-02"  # both years in February: the calendar month
    assert year_back("2025-07", table) == "2024-07"
    assert year_back("2015-01", table) == "2014-01"  # the year before is not in the table: calendar months


def test_a_festival_month_is_unseen_until_the_history_holds_a_month_of_its_part():
    """2026-02 holds 春节 (2026-02-17); 2025-01 did (2025-01-29), 2025-02 was the other month of the block."""
    festivals = {2025: 1, 2026: 2}
    since_march = [f"2025-{m:02d}" for m in range(3, 13)] + ["2026-01"]
    assert festival_unseen("2026-02", since_march, festivals)  # 2026-01 is the other month, not the festival's
    assert not festival_unseen("2026-02", ["2025-01", *since_march], festivals)  # last year's festival January
    assert festival_unseen("2026-01", since_march[:-1], festivals)  # the other month: 2025-02 played it
    assert not festival_unseen("2026-01", ["2025-02", *since_march[:-1]], festivals)
    assert not festival_unseen("2026-03", [], festivals)  # outside the block: its season is an ordinary one
