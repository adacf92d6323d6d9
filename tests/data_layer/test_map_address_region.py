"""``salesnb map`` reads a marketplace export's 收货地区 / 收货地址 as the province it lies in.

A Taobao or JD order export says where the buyer is as ``浙江省 杭州市 西湖区`` or as a full address: read whole,
every district was a region of its own, and a full address was no region at all. The mapping now says
``region: =province([收货地址])``; a province column beats an address, a sales region (大区) beats both.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from salesnb.data.address_regions import address_region
from salesnb.data.expressions import parse_expression
from salesnb.data.facts import UNKNOWN, order_regions
from salesnb.data.loading import load_dataset
from salesnb.data.mapview import describe
from salesnb.data.propose import propose_mapping
from salesnb.data.provinces import PROVINCES, province_of
from salesnb.errors import ConfigError


def _sheet(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "订单明细.csv"
    path.write_text(text, encoding="gb18030")  # as a Chinese marketplace exports it
    return path


def _by_region(path: Path, mapping: dict) -> dict[str, float]:
    orders = load_dataset(path, mapping=mapping)["orders"]
    regions = order_regions(orders, None, None)
    return orders.groupby(regions.to_numpy())["amount"].sum().to_dict()


DISTRICTS = (
    "订单号,下单日期,买家昵称,收货地区,实付金额\n"
    "D1,2026-09-01,甲,浙江省 杭州市 西湖区,100\n"
    "D2,2026-09-02,乙,浙江省 宁波市 鄞州区,50\n"
    "D3,2026-09-03,丙,上海 上海市 浦东新区,30\n"
    "D4,2026-09-04,甲,广东省 深圳市 南山区,20\n"
    "D5,2026-09-05,丁,北京 北京市 朝阳区,7\n"
)


def test_a_province_city_district_region_is_read_as_its_province(tmp_path: Path) -> None:
    path = _sheet(tmp_path, DISTRICTS)
    mapping = propose_mapping(path).mapping()
    assert mapping["columns"]["orders"]["region"] == "=province([收货地区])"
    assert _by_region(path, mapping) == {"浙江省": 150.0, "上海市": 30.0, "广东省": 20.0, "北京市": 7.0}


def test_the_user_undoes_it_by_naming_the_column(tmp_path: Path) -> None:
    path = _sheet(tmp_path, DISTRICTS)
    mapping = propose_mapping(path).mapping()
    mapping["columns"]["orders"]["region"] = "收货地区"  # the values whole, as before
    assert len(_by_region(path, mapping)) == 5  # every district its own region


ADDRESSES = [  # (address, amount, province)
    ("北京市朝阳区建国路87号", 10, "北京市"),
    ("上海浦东新区世纪大道100号", 20, "上海市"),  # no 市 after the municipality
    ("天津市南开区卫津路94号", 30, "天津市"),
    ("重庆市渝中区民族路166号", 40, "重庆市"),
    ("内蒙古自治区呼和浩特市新城区中山东路8号", 50, "内蒙古自治区"),
    ("内蒙古包头市昆都仑区钢铁大街", 5, "内蒙古自治区"),
    ("广西壮族自治区南宁市青秀区民族大道136号", 60, "广西壮族自治区"),
    ("广西桂林市秀峰区中山中路", 6, "广西壮族自治区"),
    ("新疆维吾尔自治区乌鲁木齐市天山区解放北路", 70, "新疆维吾尔自治区"),
    ("宁夏回族自治区银川市兴庆区解放西街", 80, "宁夏回族自治区"),
    ("西藏自治区拉萨市城关区北京中路", 90, "西藏自治区"),
    ("浙江杭州市西湖区文三路90号", 100, "浙江省"),  # no 省
    ("香港特别行政区九龙尖沙咀弥敦道100号", 110, "香港特别行政区"),
    ("中国 湖北省武汉市洪山区珞喻路", 120, "湖北省"),
    ("杭州市西湖区文三路", 7, None),  # a city first: no province read
    ("", 8, None),  # no address
]


def _address_sheet(tmp_path: Path, extra: str = "", values: list[str] | None = None) -> Path:
    head = f"订单号,下单日期,买家昵称,收货地址{',' + extra if extra else ''},实付金额\n"
    rows = [
        f"D{n},2026-09-{n % 28 + 1:02d},客户{n % 3},{address}{',' + values[n] if values else ''},{amount}\n"
        for n, (address, amount, _) in enumerate(ADDRESSES)
    ]
    return _sheet(tmp_path, head + "".join(rows))


def test_a_full_address_gives_the_province_and_unread_ones_are_counted(tmp_path: Path) -> None:
    path = _address_sheet(tmp_path)
    proposal = propose_mapping(path)
    mapping = proposal.mapping()
    assert mapping["columns"]["orders"]["region"] == "=province([收货地址])"
    expected: dict[str, float] = {}
    for _, amount, province in ADDRESSES:
        expected[province or UNKNOWN] = expected.get(province or UNKNOWN, 0.0) + amount
    by_region = _by_region(path, mapping)
    assert by_region == expected
    assert by_region[UNKNOWN] == 15.0 and by_region["内蒙古自治区"] == 55.0 and by_region["广西壮族自治区"] == 66.0
    assert sum(by_region.values()) == sum(amount for _, amount, _ in ADDRESSES)  # nothing dropped
    ds = load_dataset(path, mapping=mapping)
    said = [w for w in ds.warnings if getattr(w, "key", "") == "problem_province_unread"]
    assert len(said) == 1 and said[0].values["n"] == 2 and said[0].values["rows"] == 16
    assert "杭州市西湖区文三路" in said[0].values["examples"]
    lines = describe(proposal, "zh")
    assert any("region: =province([收货地址])" in line and "改为 region: 收货地址" in line for line in lines)
    assert any("2 行（共 16 行" in line for line in lines)  # map says how many rows have no province
    assert any("no province read on 2 of 16 rows" in line for line in describe(proposal, "en"))


def test_a_province_column_wins_over_the_address(tmp_path: Path) -> None:
    values = "北京 上海 天津 重庆 内蒙古 内蒙古 广西 广西 新疆 宁夏 西藏 浙江 香港 湖北 浙江 浙江".split()
    path = _address_sheet(tmp_path, "省份", values)
    mapping = propose_mapping(path).mapping()
    assert mapping["columns"]["orders"]["region"] == "省份"
    assert _by_region(path, mapping)["浙江"] == 115.0  # the column's own values: 100 + 7 + 8


@pytest.mark.parametrize("name", ["大区", "销售区域", "区域"])
def test_a_sales_region_wins_over_any_address(tmp_path: Path, name: str) -> None:
    path = _address_sheet(tmp_path, name, ["华北" if n % 2 else "华东" for n in range(len(ADDRESSES))])
    assert propose_mapping(path).mapping()["columns"]["orders"]["region"] == name
    rows = [line.split(",") for line in DISTRICTS.splitlines()]
    text = "".join(",".join([*r[:4], name if n == 0 else "华东", *r[4:]]) + "\n" for n, r in enumerate(rows))
    assert propose_mapping(_sheet(tmp_path, text)).mapping()["columns"]["orders"]["region"] == name


def test_an_address_wins_over_a_city(tmp_path: Path) -> None:
    path = _address_sheet(tmp_path, "城市", ["某市"] * len(ADDRESSES))
    assert propose_mapping(path).mapping()["columns"]["orders"]["region"] == "=province([收货地址])"


def test_a_column_of_provinces_named_otherwise_beats_an_address_region() -> None:
    sample = pd.DataFrame({"收货地区": ["浙江省 杭州市 西湖区", "广东省 深圳市 南山区"], "省": ["浙江省", "广东省"]})
    found = {"region": "收货地区"}
    address_region(sample, found)
    assert found == {"region": "省"}
    found = {"region": "收货地区"}
    address_region(sample[["收货地区"]], found)
    assert found == {"region": "收货地区"}  # read as its province by the proposal


@pytest.mark.parametrize(
    ("address", "province"),
    [
        ("浙江省杭州市西湖区文三路90号", "浙江省"),
        ("浙江 杭州市", "浙江省"),
        ("上海 上海市 浦东新区", "上海市"),
        ("内蒙古自治区呼和浩特市", "内蒙古自治区"),
        ("内蒙包头", "内蒙古自治区"),
        ("广西南宁市", "广西壮族自治区"),
        ("新疆乌鲁木齐", "新疆维吾尔自治区"),
        ("宁夏回族自治区银川市", "宁夏回族自治区"),
        ("西藏拉萨", "西藏自治区"),
        ("香港九龙", "香港特别行政区"),
        ("澳門特別行政區氹仔", "澳门特别行政区"),
        ("臺灣台北市", "台湾省"),
        ("中国大陆 四川省成都市", "四川省"),
        ("黑龙江哈尔滨", "黑龙江省"),
        ("吉林市船营区", "吉林省"),  # the city 吉林 lies in 吉林省
        ("海南藏族自治州共和县", None),  # in 青海, not 海南
        ("朝阳区建国路", None),
        ("London", None),
    ],
)
def test_province_spellings(address: str, province: str | None) -> None:
    read = province_of(pd.Series([address], dtype="str")).iloc[0]
    assert (None if pd.isna(read) else read) == province


def test_the_table_holds_the_34_provincial_divisions_once() -> None:
    assert len(PROVINCES) == len(set(PROVINCES)) == 34


def test_province_is_a_text_function_of_one_column(tmp_path: Path) -> None:
    assert parse_expression("province([收货地址])") == ("call", "province", ("col", "收货地址"))
    for text in ("province([收货地址]) + 1", "province([a] / 2)", "provinz([a])"):
        with pytest.raises(ValueError):
            parse_expression(text)
    path = _sheet(tmp_path, DISTRICTS)
    columns = {"order_id": "订单号", "customer_id": "买家昵称", "order_date": "下单日期"}
    with pytest.raises(ConfigError, match="text column"):
        load_dataset(path, mapping={"columns": {"orders": {**columns, "amount": "=province([收货地区])"}}})


def test_an_address_is_found_by_its_name_never_by_its_values_alone(tmp_path: Path) -> None:
    companies = "".join(
        f"D{n},2026-09-0{n + 1},{name},{10 * (n + 1)}\n"
        for n, name in enumerate(["浙江吉利控股集团", "广东美的电器", "上海汽车集团", "四川长虹电器", "北京燕京啤酒"])
    )
    mapping = propose_mapping(_sheet(tmp_path, f"订单号,下单日期,合作单位,金额\n{companies}")).mapping()
    assert "region" not in mapping["columns"]["orders"]  # companies named after their province are no addresses
    worded = companies.replace("集团,", "集团,浙江省杭州市,").replace("器,", "器,广东省深圳市,")
    worded = worded.replace("汽车集团,浙江省杭州市", "汽车集团,上海市浦东新区").replace("啤酒,", "啤酒,北京市朝阳区,")
    path = _sheet(tmp_path, f"订单号,下单日期,合作单位,收货人地址信息,金额\n{worded}")
    assert propose_mapping(path).mapping()["columns"]["orders"]["region"] == "=province([收货人地址信息])"


def test_a_province_column_spelled_several_ways_is_read_in_one_spelling(tmp_path: Path) -> None:
    text = "订单号,下单日期,买家昵称,省份,金额\nD1,2026-09-01,甲,浙江,10\n"
    text += "D2,2026-09-02,乙,浙江省,20\nD3,2026-09-03,丙,上海,5\n"
    path = _sheet(tmp_path, text)
    proposal = propose_mapping(path)
    mapping = proposal.mapping()
    assert mapping["columns"]["orders"]["region"] == "=province([省份])"
    assert _by_region(path, mapping) == {"浙江省": 30.0, "上海市": 5.0}  # not 浙江 10 and 浙江省 20
    assert any("浙江 与 浙江省" in line and "region: 省份" in line for line in describe(proposal, "zh"))
    one_way = text.replace("浙江省", "浙江")
    assert propose_mapping(_sheet(tmp_path, one_way)).mapping()["columns"]["orders"]["region"] == "省份"


def test_a_province_and_a_city_column_give_the_province(tmp_path: Path) -> None:
    for province, city in (("省份", "城市"), ("省", "市"), ("收货省份", "收货城市")):
        text = f"订单号,下单日期,买家昵称,{city},{province},金额\n"
        text += "D1,2026-09-01,甲,杭州,浙江,10\nD2,2026-09-02,乙,广州,广东,20\n"
        assert propose_mapping(_sheet(tmp_path, text)).mapping()["columns"]["orders"]["region"] == province


@pytest.mark.parametrize(
    ("address", "state"),
    [
        ("917 1st St, Dallas, TX 75001", "TX"),
        ("669 Spruce St, Portland, OR 97035", "OR"),
        ("12 Main St, Portland, ME 04101-1234", "ME"),  # ZIP+4
        ("1 Market St., San Francisco, CA, 94105", "CA"),  # a comma before the ZIP too
        ("917 1st St, Dallas", None),  # no state and ZIP: no state read
        ("TX 75001", None),  # a state and a ZIP are no address: nothing before them
    ],
)
def test_a_us_address_gives_its_state(address: str, state: str | None) -> None:
    read = province_of(pd.Series([address], dtype="str")).iloc[0]
    assert (None if pd.isna(read) else read) == state


def test_an_export_of_us_addresses_without_a_region_is_split_by_state(tmp_path: Path) -> None:
    # an electronics store's orders exported with 收货地址 ("917 1st St, Dallas, TX 75001") and no region column:
    # no region was proposed and every report was for the whole company only; the state is the region
    path = _sheet(
        tmp_path,
        "订单编号,订单日期,商品名称,数量,单价,金额,收货地址\n"
        '1,2019/12/1 9:05,iPhone,1,700,700,"917 1st St, Dallas, TX 75001"\n'
        '2,2019/12/2 9:10,Wired Headphones,2,11.99,23.98,"669 Spruce St, Portland, OR 97035"\n'
        '3,2019/12/3 9:15,iPhone,1,700,700,"12 Main St, Portland, ME 04101"\n'
        '4,2019/12/4 9:20,Macbook Pro,1,1699,1699,"5 Hill St, Austin, TX 73301"\n'
        '5,2019/12/5 9:25,iPhone,1,700,700,"Pick-up at the store"\n',
    )
    mapping = propose_mapping(path).mapping()
    assert mapping["columns"]["orders"]["region"] == "=province([收货地址])"
    assert _by_region(path, mapping) == {"TX": 2399.0, "OR": 23.98, "ME": 700.0, UNKNOWN: 700.0}


def test_a_chinese_address_is_read_from_its_start_only() -> None:
    # unread from its start, its end holds no US state: 上海路 near its end makes no 上海市
    address = "收货人张三，地址：朝阳区建国路88号院3号楼上海路12号"
    assert province_of(pd.Series([address], dtype="str")).isna().all()
