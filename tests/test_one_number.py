"""One fact, one number: a finding both the company's report and its region's report hold reads alike on both pages.

The company's page lists each region's problems beside the company's; a region manager reads the region's own
page. Severity may differ (the company's report weighs more tests at once), the numbers and words may not.
"""

from salesnb.data import facts
from salesnb.findings import all_findings
from salesnb.report import open_report


def _facts_of(found: dict, region: str | None = None) -> tuple:
    segment = dict(found["segment"], **({"region": region} if region else {}))
    return found["code"], tuple(sorted(segment.items()))


def test_a_finding_on_the_company_page_and_its_regions_states_the_same_numbers_and_words(sample):
    # the sample's 2026-10: 15 findings on both pages, among them 华南's and 西南's falls, whose splits once said
    # 61.1万 on the one page and 59.4万 on the other (华南's 分销), 38.2万 and 26.5万 (西南's 工业软件)
    period = "2026-10"
    company = {_facts_of(f): f for f in all_findings(open_report(dataset=sample, period=period))}
    compared, codes = 0, set()
    for region in facts.regions(sample):
        for found in all_findings(open_report(dataset=sample, period=period, region=region)):
            there = company.get(_facts_of(found, region))
            if there is None:
                continue
            for key in ("value", "baseline", "effect", "message", "detail", "action"):
                assert there.get(key) == found.get(key), (region, found["code"], key)
            compared, codes = compared + 1, codes | {found["code"]}
    assert compared >= 10 and "region_underperform" in codes
