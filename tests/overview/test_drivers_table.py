import pytest
from tiny import write_tiny

from overview.helpers import report, tables
from salesnb import drivers


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return write_tiny(tmp_path_factory.mktemp("drivers"), tables=tables())


def test_driver_table_hand_computed(tiny):
    table = drivers.driver_table(report(tiny))
    channel = table[table["dimension"] == "channel"].set_index("segment")
    assert channel.loc["直营", "gap"] == -38 and channel.loc["电商", "gap"] == 60
    # orders 2 -> 2; baseline revenue per order 110 (电商 had none: the dimension's 110)
    assert channel.loc["直营", "volume"] == pytest.approx(0.0)
    assert channel.loc["直营", "mix"] == pytest.approx(1 * 110 - 220)
    assert channel.loc["直营", "rate"] == pytest.approx(182 - 110)
    assert channel.loc["电商", "mix"] == pytest.approx(110) and channel.loc["电商", "rate"] == pytest.approx(-50)
    # no channel targets: the region's 300 split by baseline shares (直营 all of it); needed orders 300 / 110
    assert channel.loc["直营", "target"] == 300 and channel.loc["直营", "target_source"] == "allocated"
    scale = 2 / (300 / 110)
    assert channel.loc["直营", "target_volume"] == pytest.approx((scale - 1) * 300)
    assert channel.loc["直营", "target_mix"] == pytest.approx(110 - scale * 300)
    assert channel.loc["直营", "target_rate"] == pytest.approx(72)

    lines = table[table["dimension"] == "product_line"].set_index("segment")
    # orders containing the line: L1 2 -> 1 (revenue 120 -> 182), L2 1 -> 1 (100 -> 60)
    assert lines.loc["L1", "volume"] == pytest.approx((2 / 3 - 1) * 120)
    assert lines.loc["L1", "mix"] == pytest.approx(60 - (2 / 3) * 120)
    assert lines.loc["L1", "rate"] == pytest.approx(182 - 60)
    assert lines.loc["L2", "rate"] == pytest.approx(60 - 100)
    # line targets 150 + 100 leave 50 of the region's 300 unallocated: a row of its own
    assert lines.loc["L1", "target"] == 150 and lines.loc[drivers.UNALLOCATED, "target"] == 50
    assert lines.loc[drivers.UNALLOCATED, "label"] == "未分解的目标"
    needed = 150 / 60 + 100 / 100 + 50 / (220 / 3)
    assert lines.loc["L1", "target_volume"] == pytest.approx((2 / needed - 1) * 150)

    reps = table[table["dimension"] == "rep_id"].set_index("segment")
    assert reps.loc["R1", "label"] == "张三" and reps.loc["R2", "target"] == 0
    assert set(table["dimension"]) == {"product_line", "channel", "rep_id", "size_band"}  # region only for ALL
    bands = table[table["dimension"] == "size_band"].set_index("segment")
    assert bands.loc["200-999", "baseline_revenue"] == 200 and bands.loc["<50", "revenue"] == 0
    assert table["rank"].tolist() == list(range(1, len(table) + 1))
    assert table.iloc[0]["gap"] == table["gap"].max()  # revenue rose: the largest rise first


def test_driver_parts_add_up_per_dimension(tiny):
    table = drivers.driver_table(report(tiny))
    for _, part in table.groupby("dimension"):
        assert part["gap"].sum() == pytest.approx(22, abs=1e-9)
        assert part["target_gap"].sum() == pytest.approx(242 - 300, abs=1e-9)
        assert (part[["volume", "mix", "rate"]].sum(axis=1) - part["gap"]).abs().max() < 1e-9
        assert (
            part[["target_volume", "target_mix", "target_rate"]].sum(axis=1) - part["target_gap"]
        ).abs().max() < 1e-9


def test_driver_size_bands_are_the_shared_ones(tiny):
    """The driver table labels size bands as every other angle does (one definition in data/facts.py)."""
    table = drivers.driver_table(report(tiny))
    bands = set(table.loc[table["dimension"] == "size_band", "segment"])
    assert bands and bands <= {"<50", "50-199", "200-999", "1000+", "未知"}
