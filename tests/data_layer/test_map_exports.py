"""``salesnb map`` on Chinese e-commerce and ERP exports: their headers, a line profit, and an export without orders."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from salesnb.cli import main
from salesnb.data.draft import candidates
from salesnb.data.loading import load_dataset
from salesnb.data.mapview import describe, no_orders
from salesnb.data.match import match_columns
from salesnb.data.proposal_tables import orders_lacking, tables_from
from salesnb.data.propose import propose_mapping
from salesnb.data.summary import DIMENSIONS, dimensions, no_customer_note
from salesnb.errors import DataValidationError


def frame(**columns: list) -> pd.DataFrame:
    return pd.DataFrame({k: pd.Series(v, dtype="str") for k, v in columns.items()})


def test_taobao_order_report_headers() -> None:
    found, _ = match_columns(
        frame(
            订单编号=["1001"],
            买家会员名=["tb_小王"],
            买家实际支付金额=["99.50"],
            宝贝总数量=["2"],
            宝贝标题=["保温杯 500ml"],
            订单付款时间=["2026-09-01 09:30:00"],  # before the creation time, as Taobao exports it
            订单创建时间=["2026-09-01 09:26:00"],
            收货人姓名=["王**"],
        )
    )
    assert found == {
        "order_id": "订单编号",
        "order_date": "订单创建时间",
        "customer_id": "买家会员名",
        "amount": "买家实际支付金额",
        "quantity": "宝贝总数量",
        "product_name": "宝贝标题",
    }


def test_a_payment_time_is_the_order_date_only_without_the_orders_own() -> None:
    found, _ = match_columns(frame(订单号=["1"], 付款时间=["2026-09-01 09:30"], 实付金额=["10"]))
    assert found["order_date"] == "付款时间" and found["amount"] == "实付金额"


def test_erp_and_store_export_headers() -> None:
    found, _ = match_columns(
        frame(
            销售单号=["XS-001"],
            单据日期=["2026-09-01"],
            购货单位=["华星商贸"],
            存货编码=["A01"],
            存货名称=["螺丝"],
            出库数量=["100"],
            价税合计=["1,130.00"],
            业务员=["张三"],
            门店=["南京西路店"],
            销售大区=["华东"],
            毛利=["230"],
        )
    )
    assert found == {
        "order_id": "销售单号",
        "order_date": "单据日期",
        "customer_name": "购货单位",
        "amount": "价税合计",
        "quantity": "出库数量",
        "region": "销售大区",
        "rep_name": "业务员",
        "channel": "门店",
        "product_id": "存货编码",
        "product_name": "存货名称",
        "profit": "毛利",
    }


def test_a_column_empty_on_every_row_is_not_proposed() -> None:
    # A restaurant POS export (meal_order_detail): bar_code is a product-id synonym but holds "NA" on every row (an
    # R export's empty); dishes_id is the dish. Taken as the product, every line was product "NA": "1 product, 100 %
    # of sales". An empty column (cost) matches nothing either.
    found, _ = match_columns(
        frame(
            order_id=["417", "417", "301"],
            dishes_id=["610062", "609957", "610062"],
            dishes_name=["蒜蓉生蚝", "蒙古烤羊腿", "蒜蓉生蚝"],
            counts=["1", "1", "2"],
            amounts=["49", "48", "98"],
            place_order_time=["2016-08-01 11:05:36", "2016-08-01 11:07:07", "2016-08-01 11:15:57"],
            bar_code=["NA", "NA", "NA"],
            cost=[None, None, None],
            add_inprice=["0", "0", "0"],
        )
    )
    assert found["product_id"] == "dishes_id"
    assert not {"bar_code", "cost"} & set(found.values())


def test_a_taobao_closed_trade_is_proposed_for_exclusion(tmp_path: Path) -> None:
    (tmp_path / "订单报表.csv").write_text(
        "订单编号,买家会员名,订单创建时间,买家实际支付金额,交易状态\n"
        "1,甲,2026-09-01,10,交易成功\n2,乙,2026-09-02,0,交易关闭\n",
        encoding="utf-8",
    )
    assert propose_mapping(tmp_path).mapping()["exclude"] == {"orders": {"交易状态": ["交易关闭"]}}


def test_an_order_held_as_fraud_is_proposed_for_exclusion(tmp_path: Path) -> None:
    """疑似欺诈 / SUSPECTED_FRAUD orders are never shipped: no sale, as 已取消 is not (DataCo's order statuses)."""
    (tmp_path / "销售明细.csv").write_text(
        "订单编号,客户编号,订单日期,金额,订单状态\n"
        "1,甲,2017/12/1,10,已完成\n2,乙,2017/12/2,20,疑似欺诈\n3,丙,2017/12/3,30,已取消\n4,丁,2017/12/4,40,待付款\n",
        encoding="gb18030",
    )
    assert propose_mapping(tmp_path).mapping()["exclude"] == {"orders": {"订单状态": ["已取消", "疑似欺诈"]}}
    (tmp_path / "销售明细.csv").write_text(
        "Order Id,Customer Id,Order Date,Sales,Order Status\n"
        "1,a,2017-12-01,10,COMPLETE\n2,b,2017-12-02,20,SUSPECTED_FRAUD\n",
        encoding="utf-8",
    )
    assert propose_mapping(tmp_path).mapping()["exclude"] == {"orders": {"Order Status": ["SUSPECTED_FRAUD"]}}


TAOBAO_UNPAID = (
    "订单编号,买家会员名,买家实际支付金额,宝贝总数量,宝贝标题,订单付款时间,订单创建时间\n"
    "1,甲,99.5,1,保温杯,2026-09-01 09:30:00,2026-09-01 09:26:00\n"
    "2,乙,0,0,,,2026-09-02 10:00:00\n"  # never paid: no payment time, no product, quantity 0
    "3,丙,45,3,水杯,2026-09-03 08:01:00,2026-09-03 08:00:00\n"
)


def test_unpaid_orders_of_a_taobao_report_are_proposed_for_exclusion_and_the_data_loads(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    (tmp_path / "订单报表.csv").write_text(TAOBAO_UNPAID, encoding="gb18030")
    proposal = propose_mapping(tmp_path)
    assert proposal.mapping()["exclude"] == {"orders": {"订单付款时间": [""]}}
    ds = load_dataset(tmp_path, mapping=proposal.mapping())
    assert ds.tables["orders"]["order_id"].tolist() == ["1", "3"] and ds.excluded == {"orders": 1, "order_lines": 1}
    monkeypatch.chdir(tmp_path)
    assert main(["map", "--data", "订单报表.csv"]) == 0
    out = capsys.readouterr().out
    assert "订单报表.csv 的 订单付款时间 列为空的订单尚未付款" in out and "按此映射数据校验通过" in out


def test_a_payment_time_that_is_the_order_date_or_always_filled_excludes_nothing(tmp_path: Path) -> None:
    without_created = "\n".join(line.rsplit(",", 1)[0] for line in TAOBAO_UNPAID.splitlines()) + "\n"
    (tmp_path / "a.csv").write_text(without_created.replace(",,", ",x,"), encoding="utf-8")
    proposal = propose_mapping(tmp_path / "a.csv")
    assert proposal.columns["orders"]["order_date"] == "订单付款时间" and "exclude" not in proposal.mapping()
    paid = TAOBAO_UNPAID.replace("2,乙,0,0,,,", "2,乙,5,1,碗,2026-09-02 10:01:00,")
    (tmp_path / "b.csv").write_text(paid, encoding="utf-8")
    assert "exclude" not in propose_mapping(tmp_path / "b.csv").mapping()


def write_superstore(folder: Path) -> Path:
    """A flat export with a line total, a quantity and the line's profit (超市: 销售额, 数量, 利润), no cost."""
    path = folder / "超市.csv"
    path.write_text(
        "订单 Id,订单日期,客户名称,产品名称,数量,销售额,利润,利润率\n"
        "CN-1,2026-09-01,曾惠,剪刀,2,130,-61,-0.47\n"
        "CN-1,2026-09-01,曾惠,信封,2,125,43,0.34\n"
        "CN-2,2026-09-03,许安,订书机,4,32,4,0.13\n",
        encoding="utf-8",
    )
    return path


def test_a_line_profit_gives_the_unit_cost(tmp_path: Path) -> None:
    path = write_superstore(tmp_path)
    proposal = propose_mapping(path)
    assert proposal.columns["order_lines"]["unit_cost"] == "=([销售额] - [利润]) / [数量]"
    assert proposal.unused[path.name] == ["利润率"]  # 利润率 is a rate, not the profit
    lines = load_dataset(path, mapping=proposal.mapping())["order_lines"]
    assert lines["unit_cost"].tolist() == [95.5, 41.0, 7.0]  # (130 + 61) / 2, (125 - 43) / 2, (32 - 4) / 4


def test_a_profit_above_its_line_s_amount_gives_no_cost_and_map_says_why(tmp_path: Path) -> None:
    """利润 above 销售额 on a line leaves a negative cost that validate refuses: map proposes no cost then."""
    path = write_superstore(tmp_path)
    path.write_text(path.read_text(encoding="utf-8").replace("订书机,4,32,4,", "订书机,4,32,40,"), encoding="utf-8")
    proposal = propose_mapping(path)
    assert "unit_cost" not in proposal.columns["order_lines"]  # (32 - 40) / 4 = -2 would be refused
    said = "\n".join(describe(proposal))
    assert "超市.csv 的 利润 有 1 行大于 销售额" in said
    assert 'unit_cost: "=([销售额] - [利润]) / [数量]"' in said
    lines = load_dataset(path, mapping=proposal.mapping())["order_lines"]  # loads: nothing negative to refuse
    assert lines["unit_price"].tolist() == [65.0, 62.5, 8.0]  # 130 / 2, 125 / 2, 32 / 4


def test_a_cost_column_wins_over_the_profit_and_a_profit_alone_gives_no_cost() -> None:
    found, _ = match_columns(frame(订单号=["1"], 数量=["2"], 销售额=["10"], 利润=["4"], 成本价=["3"]))
    assert found["unit_cost"] == "成本价" and found["profit"] == "利润"
    found, _ = match_columns(frame(订单号=["1"], 客户=["甲"], 销售额=["10"], 利润=["4"], 日期=["2026-09-01"]))
    assert "quantity" not in found and "profit" in found  # no quantity: no cost per unit to propose


def test_a_profit_without_quantity_is_left_out(tmp_path: Path) -> None:
    (tmp_path / "x.csv").write_text("订单号,客户,日期,商品,单价,利润\n1,甲,2026-09-01,A,10,4\n", encoding="utf-8")
    proposal = propose_mapping(tmp_path / "x.csv")
    assert "unit_cost" not in proposal.columns["order_lines"]  # each row one unit (=1): no profit per unit to trust
    assert proposal.unused["x.csv"] == ["利润"]


CHANNEL_SALES = (  # 2020年销售数据.xlsx: sales by date, region, channel and brand; no customer, no order number
    "销售日期,销售区域,销售渠道,销售订单,品牌,售价,销售数量\n"
    "2020-01-01,上海,拼多多,182894-455,八匹马,99,83\n"
    "2020-01-02,北京,抖音,205635-402,八匹马,219,29\n"
)


def test_map_without_orders_says_what_is_missing_writes_a_draft_and_fails(tmp_path: Path, monkeypatch, capsys) -> None:
    (tmp_path / "销售数据.csv").write_text(CHANNEL_SALES, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["map", "--data", "销售数据.csv"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.splitlines()
    assert lines[0].startswith("✗ 未能生成完整映射：订单表 orders 每行一笔订单")
    assert (
        lines[1] == "  销售数据.csv 缺少：订单编号 (order_id)"
    )  # a customer is optional: orders without one still count
    assert lines[2] == (
        "    已识别: 销售日期 → 下单日期 (order_date), 销售数量 → 数量 (quantity), 售价 → 单价 (unit_price), "
        "销售区域 → 区域 (region), 销售渠道 → 渠道 (channel), 品牌 → 产品线 (product_line)"
    )
    assert lines[3] == "    未使用: 销售订单"  # 品牌: the brand groups the products, their line
    assert lines[4].startswith("- 未能识别订单编号 (order_id)列：若 销售订单 是订单编号 (order_id)")  # unique codes
    assert lines[-1] == "已写出映射草稿 mapping.yaml：按上面的提示补全后运行 salesnb validate"
    draft = (tmp_path / "mapping.yaml").read_text(encoding="utf-8")
    assert "    # order_id: 销售订单   # 待填：内容相符的列 销售订单\n" in draft
    assert "customer_id" not in draft and len(lines) == 6
    assert "    order_date: 销售日期\n" in draft
    assert main(["map", "--data", "销售数据.csv"]) == 1  # the draft is kept unless --force
    assert (
        "mapping.yaml" in capsys.readouterr().err and "# order_id: 销售订单" in (tmp_path / "mapping.yaml").read_text()
    )


def test_a_file_without_order_id_or_customer_is_not_told_of_customer_days(tmp_path: Path, monkeypatch, capsys) -> None:
    """Daily sales per title (日期, 商品名称, 成交件数, 销售码洋): no customer to make orders of customer and day."""
    (tmp_path / "销售表.csv").write_text(
        "日期,商品名称,成交件数,销售码洋\n2019-01-01,零基础学Python,28,2234.4\n2019-01-01,零基础学C语言,20,1396\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    assert main(["map", "--data", "销售表.csv"]) == 1
    err = capsys.readouterr().err
    assert "同一客户同一天为一单" not in err
    assert "- 没有订单编号（订单编号、订单号、单号 …），也没有客户列：无法从这份文件分出一笔笔订单。" in err


def test_map_without_orders_in_english_and_for_each_file_of_a_folder(tmp_path: Path) -> None:
    (tmp_path / "销售数据.csv").write_text(CHANNEL_SALES, encoding="utf-8")
    (tmp_path / "客户.csv").write_text("客户编号,客户名称\nC1,甲\n", encoding="utf-8")
    proposal = propose_mapping(tmp_path)
    assert "orders" not in proposal.tables and proposal.tables["customers"] == "客户.csv"
    lines, draft = no_orders(proposal, "en")
    text = "\n".join(lines)
    assert "客户.csv lacks: order id (order_id), order date (order_date)" in text
    assert "销售数据.csv lacks: order id (order_id)\n" in text
    assert "orders: 销售数据.csv" in draft


def test_the_no_customer_note_names_only_the_cuts_the_export_has(tmp_path: Path) -> None:
    (tmp_path / "x.csv").write_text(
        "单号,订单日期,大区,产品名称,数量,金额\nD1,2026/10/1,华东,A型,2,10\nD2,2026/10/2,华南,B型,1,5\n",
        encoding="gb18030",
    )
    proposal = propose_mapping(tmp_path / "x.csv")
    assert proposal.columns["orders"]["region"] == "大区" and "channel" not in proposal.columns["orders"]
    assert dimensions(proposal.columns) == ["region", "product"]
    assert "报告照常按区域和产品分析，分不出新老客户" in "\n".join(describe(proposal, "zh"))
    assert "the reports still analyse regions and products, but" in "\n".join(describe(proposal, "en"))
    every = no_customer_note(["region", "channel", "product", "rep"], "zh")
    assert "报告照常按区域、渠道、产品和销售代表分析" in every
    assert "still analyse regions, channels, products and reps," in no_customer_note(DIMENSIONS, "en")
    assert "still analyse reps, but" in no_customer_note(["rep"], "en")


def test_orders_without_a_customer_are_proposed_and_the_column_that_fits_is_named(tmp_path: Path) -> None:
    (tmp_path / "x.csv").write_text(
        "订单号,日期,持卡人,总价\nA1,2026-10-01,K1,10\nA2,2026-10-01,K2,5\nA3,2026-10-02,K1,7\nA4,2026-10-03,K1,2\n",
        encoding="utf-8",
    )
    proposal = propose_mapping(tmp_path / "x.csv")
    assert proposal.columns["orders"] == {"order_id": "订单号", "order_date": "日期", "amount": "总价"}
    text = "\n".join(describe(proposal, "zh"))
    assert "! 没有识别出客户列" in text and "新客户、复购、留存、客户价值和收入桥的客户部分将跳过" in text
    assert "报告照常按整体销售额分析" in text  # no region, channel, product or rep: the note names none
    assert "- 若 持卡人 是客户，请在映射文件 columns → orders 下加一行 customer_id: 列名" in text
    assert "按此映射数据校验通过" in text
    mapping = proposal.mapping()
    mapping["columns"]["orders"]["customer_id"] = "持卡人"
    ds = load_dataset(tmp_path / "x.csv", mapping=mapping)
    assert ds.tables["orders"]["customer_id"].tolist() == ["K1", "K2", "K1", "K1"]
    english = "\n".join(describe(proposal, "en"))
    assert "! no customer column recognised" in english and "- if 持卡人 is the customer, add the line" in english


@pytest.mark.parametrize(
    ("found", "lacking"),
    [
        ({"order_id": "a", "customer_name": "b", "order_date": "c"}, []),
        ({"customer_id": "b", "order_date": "c"}, []),  # an order is one customer on one day
        ({"customer_id": "b"}, ["order_id", "order_date"]),
        ({}, ["order_id", "order_date"]),  # without a customer an order needs its number
    ],
)
def test_orders_lacking_names_the_required_columns_without_a_match(found: dict, lacking: list) -> None:
    assert orders_lacking(found) == lacking


POS_NO_ORDER = """购药时间,会员卡号,商品编码,商品名称,销售数量,实收金额
2018-01-01 星期五,c1,P1,药A,2,20
2018-01-01 星期五,c1,P2,药B,1,8
2018-01-01 星期五,c2,P1,药A,1,10
2018-01-02 星期六,c1,P1,药A,1,10
"""  # c1 on 01-01 bought two items: one visit, one order


def test_an_export_without_order_numbers_makes_an_order_of_one_customer_on_one_day(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    (tmp_path / "pos.csv").write_text(POS_NO_ORDER, encoding="utf-8")
    proposal = propose_mapping(tmp_path / "pos.csv")
    columns = proposal.mapping()["columns"]
    assert columns["orders"]["order_id"] == columns["order_lines"]["order_id"] == {"per": ["会员卡号", "购药时间"]}
    text = "\n".join(describe(proposal, "zh"))
    assert "! pos.csv 没有订单编号：按“同一客户同一天为一单”推导订单" in text and "4 行合成 3 单" in text
    assert "每行一单" not in text  # c1 has two lines on 01-01
    monkeypatch.chdir(tmp_path)
    assert main(["map", "--data", "pos.csv"]) == 0
    capsys.readouterr()
    assert main(["validate", "--data", "pos.csv", "--mapping", "mapping.yaml"]) == 0
    out = capsys.readouterr().out
    assert "orders: 3 条" in out and "order_lines: 4 条" in out
    assert "! orders.order_id：没有订单编号，按 会员卡号 + 购药时间 推导" in out and "3 单，来自 4 行" in out
    ds = load_dataset(tmp_path / "pos.csv", mapping=tmp_path / "mapping.yaml")
    orders = ds.tables["orders"].set_index("order_id")["amount"].to_dict()
    assert orders == {"c1 + 2018-01-01": 28.0, "c2 + 2018-01-01": 10.0, "c1 + 2018-01-02": 10.0}


def test_one_line_per_customer_and_day_is_said_to_be_one_order_a_row(tmp_path: Path) -> None:
    (tmp_path / "pos.csv").write_text(POS_NO_ORDER.replace("c1,P2", "c3,P2"), encoding="utf-8")
    text = "\n".join(describe(propose_mapping(tmp_path / "pos.csv"), "zh"))
    assert "4 行合成 4 单；每位客户每天只有一行，即每行一单" in text


def test_a_file_with_order_numbers_feeds_the_orders_before_one_without(tmp_path: Path) -> None:
    (tmp_path / "a_pos.csv").write_text(POS_NO_ORDER, encoding="utf-8")
    (tmp_path / "b.csv").write_text("订单编号,会员卡号,订单日期\nO1,c1,2018-01-01\n", encoding="utf-8")
    assert propose_mapping(tmp_path).tables["orders"] == "b.csv"


TMALL = """订单编号,买家会员名,总金额,买家实际支付金额,订单创建时间,订单付款时间 ,退款金额
1,甲,100,0.0,2020-02-01 10:00:00,,0.0
2,乙,50,50.0,2020-02-01 11:00:00,2020-02-01 11:01:00,0.0
3,丙,80,0.0,2020-02-02 09:00:00,2020-02-02 09:05:00,80.0
4,甲,60,40.0,2020-02-03 09:00:00,2020-02-03 09:05:00,20.0
"""  # 1 unpaid; 3 paid then refunded in full (0 kept); 4 refunded in part (40 kept): an order


def test_orders_refunded_in_full_are_proposed_for_exclusion_and_the_refund_is_understood(tmp_path: Path) -> None:
    (tmp_path / "tmall.csv").write_text(TMALL, encoding="utf-8")
    proposal = propose_mapping(tmp_path / "tmall.csv")
    assert proposal.recognised["tmall.csv"]["refund"] == "退款金额"
    assert proposal.mapping()["exclude"] == {"orders": {"订单付款时间": [""], "买家实际支付金额": ["=0"]}}
    assert "退款金额" not in proposal.unused["tmall.csv"]
    text = "\n".join(describe(proposal, "zh"))
    assert "! tmall.csv 的 退款金额 识别为退款金额 (refund)" in text
    assert "! tmall.csv：1 行的 买家实际支付金额 为 0 且有退款（退款金额），是全额退款的订单" in text
    ds = load_dataset(tmp_path / "tmall.csv", mapping=proposal.mapping())
    assert ds.tables["orders"].set_index("order_id")["amount"].to_dict() == {"2": 50.0, "4": 40.0}
    (tmp_path / "tmall.csv").write_text(TMALL.replace(",0.0,2020-02-02", ",0.0,2020-02-02").replace(",80.0\n", ",0\n"))
    assert "买家实际支付金额" not in propose_mapping(tmp_path / "tmall.csv").mapping()["exclude"]["orders"]  # no refund


def test_a_file_that_cannot_be_read_is_left_out_of_the_folders_proposal(tmp_path: Path) -> None:
    (tmp_path / "订单.csv").write_text("订单编号,客户编号,下单日期,金额\nA1,C1,2026-10-01,5\n", encoding="utf-8")
    (tmp_path / "客户.csv").write_text("客户编号,名称,名称\nC1,甲,乙\n", encoding="utf-8")  # a repeated column name
    proposal = propose_mapping(tmp_path)
    assert proposal.tables["orders"] == proposal.tables["customers"] == "订单.csv"
    assert [file for file, _ in proposal.unreadable] == ["客户.csv"]
    assert "! 客户.csv 读不了，没有用于映射：客户.csv 有多个名为 名称 的列" in "\n".join(describe(proposal, "zh"))


def test_till_and_app_export_headers() -> None:
    found, _ = match_columns(
        frame(
            收款员=["102.王定邦"], 销售日期=["2010-09-07"], 小票号=["9900001023"], 商品码=["09003"],
            商品名称=["芙蓉王"], 数量=["1"], 成交价=["35"], 销售金额=["35"],
        )
    )  # fmt: skip
    assert found["order_id"] == "小票号" and found["product_id"] == "商品码" and found["rep_name"] == "收款员"
    found, _ = match_columns(frame(用户ID=["00001"], 订单日期=["20210101"], 订单金额=["11.77"], 城市=["杭州"]))
    assert found == {"customer_id": "用户ID", "order_date": "订单日期", "amount": "订单金额", "region": "城市"}
    found, _ = match_columns(frame(user_id=["00001"], order_dt=["20210101"], order_amount=["11.77"]))
    assert found == {"customer_id": "user_id", "order_date": "order_dt", "amount": "order_amount"}
    found, _ = match_columns(frame(客户类型=["会员", "普通"], 交易额=["10", "20"], 分店=["一店", "二店"]))
    assert found == {"amount": "交易额", "channel": "分店"}  # 会员/普通 is no industry


def test_orders_made_of_customer_and_day_count_the_files_rows(tmp_path: Path) -> None:
    (tmp_path / "app.csv").write_text(
        "用户ID,订单日期,订单金额\n1,20210101,10\n1,20210101,5\n2,20210102,7\n", encoding="utf-8"
    )
    proposal = propose_mapping(tmp_path / "app.csv")
    ds = load_dataset(tmp_path / "app.csv", mapping=proposal.mapping())
    assert ds["orders"].set_index("order_id")["amount"].sum() == 22  # same-day rows add up, nothing lost
    (note,) = [w.text("zh") for w in ds.warnings if "推导" in w.text("zh")]
    assert note.endswith("2 单，来自 3 行")  # the file's rows, not the orders'


def test_an_unlabelled_row_of_sums_at_the_end_is_skipped(tmp_path: Path) -> None:
    till = (
        "小票号,销售日期,商品码,数量,销售金额\nA1,2010-09-07,P1,2,20\nA1,2010-09-07,P2,1,5.5\nA2,2010-09-07,P1,1,10\n"
    )
    (tmp_path / "till.csv").write_text(till + ",,,4,35.5\n", encoding="utf-8")
    proposal = propose_mapping(tmp_path / "till.csv")
    ds = load_dataset(tmp_path / "till.csv", mapping=proposal.mapping())
    assert ds["orders"]["order_id"].tolist() == ["A1", "A2"] and ds["order_lines"]["quantity"].sum() == 4
    assert any("第 5 行是合计行" in w.text("zh") for w in ds.warnings)
    (tmp_path / "till.csv").write_text(till + "A3,,P1,1,9\n", encoding="utf-8")  # a sale missing its date: said
    with pytest.raises(Exception, match="order_date"):
        load_dataset(tmp_path / "till.csv", mapping=proposal.mapping())


def test_a_row_counter_is_never_offered_as_the_order_id_and_repeating_codes_are_in_a_line_export() -> None:
    from salesnb.data.draft import candidates

    lines = frame(行=["1", "2", "3", "4"], 票号X=["9901", "9901", "9902", "9902"])
    lines = lines.assign(商品名称=["甲", "乙", "甲", "丙"], 数量=["1", "2", "1", "1"])
    recognised = {"product_name": "商品名称", "quantity": "数量"}
    assert candidates(lines, recognised, "order_id") == ["票号X"]  # not 行 (each line an order)
    orders = frame(行=["1", "2", "3"], 单X=["A7", "B2", "C9"])
    assert candidates(orders, {}, "order_id") == ["单X"]  # one row per order: unique codes only


SUPERMARKET = (
    "发票编号,分店,城市,客户类型,性别,产品线,单价,数量,金额（不含税）,日期\n"
    "750-67-8428,A,仰光,会员,女,健康美容,74.69,7,522.83,2019/1/5\n"
    "226-31-3081,C,内比都,普通,女,电子配件,15.28,5,76.40,2019/3/8\n"
    "631-41-3108,A,仰光,普通,男,家居生活,46.33,7,324.31,2019/3/3\n"
)


def test_an_export_whose_only_product_is_its_line_sells_lines(tmp_path: Path) -> None:
    (tmp_path / "sales.csv").write_text(SUPERMARKET, encoding="utf-8")
    proposal = propose_mapping(tmp_path / "sales.csv")
    assert proposal.columns["order_lines"]["product_id"] == "产品线"
    assert proposal.columns["products"] == {"product_id": "产品线", "product_line": "产品线"}
    ds = load_dataset(tmp_path / "sales.csv", mapping=proposal.mapping())
    products = ds["products"].set_index("product_id")["product_line"].to_dict()
    assert products == {"健康美容": "健康美容", "电子配件": "电子配件", "家居生活": "家居生活"}  # no 未知 line


def test_one_column_may_play_the_roles_of_one_thing_only(tmp_path: Path) -> None:
    from salesnb.data.mapping import load_mapping
    from salesnb.errors import ConfigError

    load_mapping({"columns": {"products": {"product_id": "产品线", "product_line": "产品线"}}})
    with pytest.raises(ConfigError, match="数量|quantity"):
        load_mapping({"columns": {"order_lines": {"product_id": "数量", "quantity": "数量"}}})


def test_a_draft_keeps_the_lines_it_recognised_and_offers_no_flag_as_the_customer(tmp_path: Path) -> None:
    rows = SUPERMARKET.splitlines()[1:]
    many = [row.replace(row[:11], f"{k:03d}-00-{k:04d}", 1) for k in range(60) for row in rows[k % 3 : k % 3 + 1]]
    (tmp_path / "sales.csv").write_text("\n".join(["票据X" + SUPERMARKET[4:].splitlines()[0], *many]), encoding="utf-8")
    lines, draft = no_orders(propose_mapping(tmp_path / "sales.csv"))
    assert "  order_lines:\n    # order_id: 票据X" in draft and "    quantity: 数量\n" in draft  # the lines come along
    hints = "\n".join(line for line in lines if line.startswith("- "))
    assert "若 票据X 是订单编号" in hints and "性别" not in hints and "客户类型" not in hints


def test_store_and_delivery_export_headers_and_no_staff_column_as_the_customer() -> None:
    from salesnb.data.draft import candidates

    found, _ = match_columns(
        frame(销售单编号=["S1"], 销售代表ID=["E1"], 预计送货日期=["2016-03-05"], 实际送货日期=["2016-03-07"])
    )
    assert found == {"order_id": "销售单编号", "rep_id": "销售代表ID", "promised_at": "预计送货日期",
                     "delivered_at": "实际送货日期", "order_date": "实际送货日期"}  # fmt: skip
    # no order date of its own, every order delivered: the sale is dated by its delivery (test_map_shipping_list)
    staff = frame(员工工号=["SS1", "SS1", "SS2", "SS3"], 会员X=["m1", "m1", "m2", "m3"])
    assert candidates(staff, {}, "customer_id") == ["会员X"]  # a staff number is no customer


ORDER_TOTALS = (
    "订单编号,买家会员名,订单创建时间,订单金额,商品名称,数量\n"
    "A1,甲,2026-10-01 10:00,300,杯子,1\nA1,甲,2026-10-01 10:00,300,茶叶,2\nA1,甲,2026-10-01 10:00,300,茶壶,1\n"
    "A2,乙,2026-10-02 11:00,50,杯子,1\nA3,丙,2026-10-03 12:00,120,茶叶,1\nA3,丙,2026-10-03 12:00,120,杯子,3\n"
    "A4,丁,2026-10-04 12:00,80,茶壶,1\nA5,甲,2026-10-05 12:00,200,茶叶,4\nA5,甲,2026-10-05 12:00,200,茶壶,1\n"
)


def test_an_order_total_repeated_on_its_lines_counts_once(tmp_path: Path) -> None:
    """A1's 300 is on each of its three lines: summed it was 900, and the month 1,670 for 750."""
    from salesnb.data import facts

    (tmp_path / "订单.csv").write_text(ORDER_TOTALS, encoding="utf-8")
    proposal = propose_mapping(tmp_path / "订单.csv")
    assert "order_lines" not in proposal.tables  # no line is priced by the order's total
    assert "! 订单.csv：同一订单各行上的 订单金额 都相同，是订单总额" in "\n".join(describe(proposal, "zh"))
    ds = load_dataset(tmp_path / "订单.csv", mapping=proposal.mapping())
    revenue = facts.order_facts(ds).set_index("order_id")["revenue"].to_dict()
    assert revenue == {"A1": 300.0, "A2": 50.0, "A3": 120.0, "A4": 80.0, "A5": 200.0}
    priced = ORDER_TOTALS.replace("数量\n", "数量,单价\n").replace(",1\n", ",1,10\n")  # a unit price prices the lines
    (tmp_path / "订单.csv").write_text(
        priced.replace(",2\n", ",2,10\n").replace(",3\n", ",3,10\n").replace(",4\n", ",4,10\n"), encoding="utf-8"
    )
    proposal = propose_mapping(tmp_path / "订单.csv")
    assert proposal.columns["order_lines"]["unit_price"] == "单价"


def test_line_amounts_that_merely_agree_are_still_added() -> None:
    import numpy as np

    from salesnb.data.derive import repeated_per_id

    codes = np.array([0, 0, 1, 1, 2, 3, 3])
    assert repeated_per_id(codes[:4], pd.Series([5.0, 5.0, 7.0, 7.0])) is False  # two orders: too few to tell
    assert repeated_per_id(codes, pd.Series([5.0, 5.0, 7.0, 7.0, 1.0, 9.0, 8.0])) is False  # one order differs


def test_problems_name_the_row_the_sheet_shows_under_a_title_and_a_header(tmp_path: Path) -> None:
    """A sheet's line 1 is a title, line 2 the header: the bad date on line 4 and the 合计 on line 6 say so."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["2026年1-5月订单登记表", None, None, None])
    sheet.append(["订单号", "客户名称", "订单日期", "总金额"])
    sheet.append(["A1", "甲", "2026-04-02", 100])
    sheet.append(["A2", "乙", "下周一", 50])
    sheet.append(["A3", "甲", "2026-04-09", 20])
    sheet.append(["合计", None, None, 170])
    book.save(tmp_path / "订单登记表.xlsx")
    mapping = {
        "tables": {"orders": "订单登记表.xlsx"},
        "columns": {
            "orders": {"order_id": "订单号", "customer_id": "客户名称", "order_date": "订单日期", "amount": "总金额"}
        },
    }
    with pytest.raises(DataValidationError) as caught:
        load_dataset(tmp_path / "订单登记表.xlsx", mapping=mapping)
    assert "第 4 行 (A2)：'下周一'" in caught.value.text("zh")
    ds = load_dataset(tmp_path / "订单登记表.xlsx", mapping=mapping, validate=False)
    assert any("第 6 行是合计行" in w.text("zh") for w in ds.warnings) and "_file_row" not in ds["orders"].columns


@pytest.mark.parametrize("name", ["总金额", "总额", "订单总额", "合计金额", "总价", "订单总价"])
def test_an_order_ledgers_total_is_the_amount(name: str) -> None:
    found, _ = match_columns(
        frame(
            订单号=["A1"],
            客户名称=["甲"],
            订单日期=["2026-01-05"],
            **{name: ["100.5"]},
            已收金额=["60"],
            未收金额=["40.5"],
        )
    )
    assert found["amount"] == name


LEDGER = """订单号,客户名称,订单日期,已收款,欠款,货款
A1,甲,2026-01-05,60,40.5,100.5
A2,乙,2026-01-06,10,0,10
A3,甲,2026-01-09,0,7.25,7.25
"""  # no name says amount: 货款 is the total of what was received (已收款) and what is outstanding (欠款)


def test_orders_without_an_amount_get_a_draft_naming_the_total_first_and_map_fails(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    (tmp_path / "ledger.csv").write_text(LEDGER, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["map", "--data", "ledger.csv"]) == 1
    err = capsys.readouterr().err
    assert "✗ 订单没有金额" in err and "所有销售额都会是 0" in err
    assert "- 未能识别金额 (amount)列：若 货款 / 欠款 / 已收款 是金额 (amount)" in err
    assert err.splitlines()[-1].startswith("已写出映射草稿 mapping.yaml")
    draft = (tmp_path / "mapping.yaml").read_text(encoding="utf-8")
    assert "    # amount: 货款   # 待填：内容相符的列 货款, 欠款, 已收款\n" in draft
    assert "    order_id: 订单号\n" in draft and draft.startswith("# salesnb map 的映射草稿")
    filled = draft.replace("# amount: 货款   # 待填：内容相符的列 货款, 欠款, 已收款", "amount: 货款")
    ds = load_dataset(tmp_path / "ledger.csv", mapping=yaml.safe_load(filled))
    assert ds.tables["orders"]["amount"].tolist() == [100.5, 10.0, 7.25]


@pytest.mark.parametrize("name", ["收入", "收入(折后)", "营业收入", "销售收入"])
def test_an_income_is_the_line_total_and_with_its_profit_gives_the_cost(tmp_path: Path, name: str) -> None:
    (tmp_path / "x.csv").write_text(
        f"订单编号,订单日期,产品编码,单价,数量,折扣,{name},利润\n"
        "O1,2025-04-01,D700,100,2,0.1,180,60\n"
        "O2,2025-04-02,B110,50,4,0,200,20\n",
        encoding="utf-8",
    )
    proposal = propose_mapping(tmp_path / "x.csv")
    assert proposal.columns["orders"]["amount"] == name
    assert proposal.columns["order_lines"]["unit_cost"] == f"=([{name}] - [利润]) / [数量]"
    lines = load_dataset(tmp_path / "x.csv", mapping=proposal.mapping())["order_lines"]
    assert lines["unit_cost"].tolist() == [60.0, 45.0]  # (180 - 60) / 2, (200 - 20) / 4


def test_a_lines_total_cost_is_divided_by_its_quantity_and_a_unit_cost_kept() -> None:
    line_cost = frame(
        订单号=["1", "2", "3"],
        商品=["A", "B", "C"],
        单价=["100", "50", "20"],
        数量=["3", "4", "2"],
        成本=["180", "120", "26"],
    )
    found, _ = match_columns(line_cost)  # 成本 above the price on most lines, below it once divided by the quantity
    assert found["line_cost"] == "成本" and "unit_cost" not in found
    assert tables_from(found)[0]["order_lines"]["unit_cost"] == "=[成本] / [数量]"
    unit_cost = line_cost.assign(成本=["60", "30", "13"])
    found, _ = match_columns(unit_cost)
    assert found["unit_cost"] == "成本" and tables_from(found)[0]["order_lines"]["unit_cost"] == "成本"


def test_a_cost_equal_to_the_amount_less_the_profit_is_the_lines_and_map_says_so(tmp_path: Path) -> None:
    (tmp_path / "x.csv").write_text(  # 成本 = 收入(折后) - 利润 on every line; below the unit price on one
        "订单编号,订单日期,产品编码,单价,数量,收入(折后),成本,利润\n"
        "O1,2025-04-01,D700,1630.11,16,26081.76,16148.66,9933.10\n"
        "O2,2025-04-02,B110,142.31,3,426.93,335.02,91.91\n"
        "O3,2025-04-02,B120,500,2,1000,650,350\n",
        encoding="utf-8",
    )
    proposal = propose_mapping(tmp_path / "x.csv")
    assert proposal.columns["order_lines"]["unit_cost"] == "=[成本] / [数量]"
    text = "\n".join(describe(proposal, "zh"))
    assert "! x.csv 的 成本 按内容是每行的成本合计，不是单位成本" in text and 'unit_cost: "=[成本] / [数量]"' in text
    lines = load_dataset(tmp_path / "x.csv", mapping=proposal.mapping())["order_lines"]
    assert lines["unit_cost"].round(2).tolist() == [1009.29, 111.67, 325.0]  # 16148.66 / 16, 335.02 / 3, 650 / 2


def test_an_amount_in_wan_yuan_is_multiplied_into_yuan_and_map_says_so(tmp_path: Path) -> None:
    (tmp_path / "x.csv").write_text(
        "订单号,客户名称,订单付款时间,实际支付金额（万元）\nA1,甲,2020/6/21 22:36,1.548\nA2,乙,2020/6/22 10:00,0.5\n",
        encoding="utf-8",
    )
    proposal = propose_mapping(tmp_path / "x.csv")
    assert proposal.columns["orders"]["amount"] == "=[实际支付金额（万元）] * 10000"
    text = "\n".join(describe(proposal, "zh"))
    assert "! x.csv 的 实际支付金额（万元） 以万元为单位：映射中乘以 10,000 换算成元" in text
    orders = load_dataset(tmp_path / "x.csv", mapping=proposal.mapping())["orders"]
    assert orders["amount"].round(2).tolist() == [15480.0, 5000.0]


@pytest.mark.parametrize(
    ("columns", "expected"),
    [
        ({"销售额万元": ["1.5"]}, {"amount": "=[销售额万元] * 10000"}),
        ({"金额(万)": ["1.5"]}, {"amount": "=[金额(万)] * 10000"}),
        ({"金额（元）": ["1.5"]}, {"amount": "金额（元）"}),  # a unit that is no multiplier stays as it was
        ({"单价(千元)": ["2"], "数量": ["3"]}, {"unit_price": "=[单价(千元)] * 1000"}),
        ({"销售额(万元)": ["3"], "数量": ["3"], "成本(千元)": ["6"]}, {"unit_cost": "=[成本(千元)] * 1000"}),
    ],
)
def test_a_line_price_total_or_cost_in_wan_or_qian_yuan_is_scaled(columns: dict, expected: dict) -> None:
    found, _ = match_columns(frame(订单号=["1"], 商品=["A"], 日期=["2026-01-05"], **columns))
    tables = tables_from(found)[0]
    proposed = {**tables["orders"], **tables.get("order_lines", {})}
    assert {k: proposed.get(k) for k in expected} == expected


COURSE_SHOP = """会员名,实际支付金额,课程名称,学员姓名,联系手机,订单付款时间
5b0bycj,15480,Java架构师,颜先生,1***********,2020-06-21 22:36:00
1qyoqb5,15480,Java架构师,许先生,1***********,2020-06-21 18:35:00
5b0bycj,3980,Python入门,颜先生,1***********,2020-07-02 10:00:00
"""  # a Taobao course shop: the buyer's member name, the student's name, a masked phone, no order number


def test_a_member_name_is_the_customer_and_orders_are_one_customer_on_one_day(tmp_path: Path) -> None:
    (tmp_path / "课程.csv").write_text(COURSE_SHOP, encoding="utf-8")
    proposal = propose_mapping(tmp_path / "课程.csv")
    columns = proposal.mapping()["columns"]
    assert columns["orders"]["customer_id"] == "会员名"
    assert columns["orders"]["order_id"] == {"per": ["会员名", "订单付款时间"]}
    assert columns["customers"] == {"customer_id": "会员名", "customer_name": "学员姓名"}
    assert columns["products"] == {"product_id": "课程名称"}
    ds = load_dataset(tmp_path / "课程.csv", mapping=proposal.mapping())
    assert ds.tables["orders"]["amount"].tolist() == [15480.0, 15480.0, 3980.0]


@pytest.mark.parametrize(
    ("name", "concept"), [("联系手机", "customer_id"), ("手机号", "customer_id"), ("学员姓名", "customer_name")]
)
def test_a_phone_or_a_students_name_is_the_customer(name: str, concept: str) -> None:
    found, _ = match_columns(frame(订单号=["1", "2"], 日期=["2026-01-05", "2026-01-06"], **{name: ["138", "139"]}))
    assert found[concept] == name


def test_names_places_and_codes_recurring_on_many_days_are_never_offered_as_the_order_id() -> None:
    sales = frame(
        城市=["广州", "深圳", "武汉", "徐州"],
        姓名=["颜先生", "许先生", "刘先生", "张先生"],
        客户码=["K1", "K2", "K1", "K2"],  # the same codes on other days: who bought, not which order
        票号=["T1", "T1", "T2", "T3"],  # one order's two lines on one day
        商品=["A", "B", "A", "C"],
        日期=["2026-01-05", "2026-01-05", "2026-01-06", "2026-01-07"],
    )
    recognised = {"product_name": "商品", "order_date": "日期"}
    assert candidates(sales, recognised, "order_id") == ["票号"]


def test_a_pivot_by_month_is_said_to_need_detail_rows_and_no_draft_is_written(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    (tmp_path / "销售数据.csv").write_text(
        "排名,省份,城市,1月,2月,3月,总额\n,,,300,330,360,990\n1,江苏,徐州,100,110,120,330\n2,浙江,宁波,200,220,240,660\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    assert main(["map", "--data", "销售数据.csv"]) == 1
    err = capsys.readouterr().err
    assert "销售数据.csv 是按月汇总的透视表（1月 … 3月 共 3 个月各占一列），不是销售明细" in err
    assert "每行一笔订单或一行订单明细" in err and "城市" not in err and not (tmp_path / "mapping.yaml").exists()


DAILY_SUMMARY = """日期,产品类别,地区,销售额,订单量
2024/3/21,电子产品,北方,7080,35
2024/3/21,电子产品,南方,6735,28
2024/3/22,服装,北方,1200,9
"""  # totals per day × category × region: 72 orders, not 3


def test_a_summary_with_an_order_count_is_made_into_the_orders_it_counts(tmp_path: Path, monkeypatch, capsys) -> None:
    """Each row made one order counted 3 orders where there were 72, at an order value 24× too high."""
    (tmp_path / "销售数据.csv").write_text(DAILY_SUMMARY, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["map", "--data", "销售数据.csv"]) == 0
    err = "".join(capsys.readouterr())
    said = "销售数据.csv 每行是按 日期 × 产品类别 × 地区 汇总的合计，订单量 是该行的订单数：映射用 order_count: 订单量"
    assert f"! {said}" in err and "把 3 行拆成 72 张订单" in err
    assert "同一客户同一天为一单" not in err and "若 订单量 是客户" not in err  # a count is neither
    mapping = yaml.safe_load((tmp_path / "mapping.yaml").read_text(encoding="utf-8"))
    assert mapping["columns"]["orders"]["order_count"] == "订单量"
    assert mapping["columns"]["orders"]["order_id"] == {"per": ["日期", "产品类别", "地区"]}
    orders = load_dataset("销售数据.csv", mapping="mapping.yaml")["orders"]
    assert len(orders) == 72 and orders["amount"].sum() == pytest.approx(7080 + 6735 + 1200)


def test_a_summary_without_dimensions_is_said_to_hold_totals_not_orders(tmp_path: Path, monkeypatch, capsys) -> None:
    """Rows of totals with nothing to tell them apart but a count: no id to make up, the export must change."""
    (tmp_path / "汇总.csv").write_text("销售额,订单量\n7080,35\n6735,28\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["map", "--data", "汇总.csv"]) == 1
    assert "不是一笔订单" in capsys.readouterr().err


def test_one_export_named_orders_csv_is_read_as_the_flat_export_it_is(tmp_path: Path) -> None:
    """A ledger saved as orders.csv lost its customers and reps (no team report); named 订单登记.csv it kept them."""
    ledger = "订单号,业务员,客户名称,总金额,订单日期\nA1,VITA,甲公司,100,2026-04-02\nA2,Claire,乙公司,50,2026-04-05\n"
    ledger += "A3,VITA,甲公司,70,2026-04-09\n"
    for name in ("orders.csv", "订单登记.csv"):
        folder = tmp_path / name.split(".")[0]
        folder.mkdir()
        (folder / name).write_text(ledger, encoding="utf-8")
        tables = propose_mapping(folder / name).tables
        assert {"orders", "customers", "reps"} <= set(tables), name


def test_a_sales_manager_column_is_the_rep_unless_a_salesperson_column_is_there() -> None:
    """销售经理 is a salesperson's usual title in a Chinese order export; beside a 业务员 column that one is the rep."""
    found, _ = match_columns(
        frame(订单编号=["1"], 客户编号=["7"], 订单日期=["2015-06-01"], 销售额=["10"], 销售经理=["Sam"])
    )
    assert found["rep_name"] == "销售经理"
    found, _ = match_columns(frame(订单编号=["1"], 业务员=["王五"], 订单日期=["2015-06-01"], 销售经理=["赵六"]))
    assert found["rep_name"] == "业务员"


def test_a_customer_segment_named_in_chinese_is_the_customers_industry(tmp_path: Path) -> None:
    """细分 (a Chinese BI tool's export of Segment) is the customer's segment, as ``segment`` is: customers.industry."""
    found, _ = match_columns(frame(细分=["消费者", "公司"], 产品细分=["A", "B"], 销售额=["1", "2"]))
    assert found == {"industry": "细分", "amount": "销售额"}  # 产品细分 is no customer's segment
    text = "订单 ID,订单日期,客户 ID,细分,销售额\nA1,2023/1/5,C1,消费者,10\nA2,2023/1/6,C2,公司,30\n"
    text += "A3,2023/2/1,C1,消费者,5\n"
    (tmp_path / "export.csv").write_text(text, encoding="utf-8")
    mapping = propose_mapping(tmp_path / "export.csv").mapping()
    assert mapping["columns"]["customers"]["industry"] == "细分"
    customers = load_dataset(tmp_path / "export.csv", mapping=mapping)["customers"].set_index("customer_id")
    assert customers["industry"].to_dict() == {"C1": "消费者", "C2": "公司"}
