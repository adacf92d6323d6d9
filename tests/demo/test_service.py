"""Marketing spend, tickets, returns, activities and surveys."""


def test_marketing_spend_and_service_tables(tables):
    spend = tables["marketing_spend"]
    assert len(spend) == 24 * 5 * 5 and set(spend["channel"]) == set(tables["leads"]["source"])
    tickets = tables["tickets"]
    assert {"交付延误", "合同争议", "质量问题", "售后响应", "使用咨询"} == set(tickets["category"])
    assert set(tickets["severity"]) == {"高", "中", "低"}
    assert (
        tickets["first_response_at"].dropna() >= tickets.loc[tickets["first_response_at"].notna(), "created_at"]
    ).all()
    returns = tables["returns"]
    assert set(returns["reason"]) == {"质量问题", "规格不符", "物流损坏", "客户取消"}
    assert set(tables["activities"]["type"]) == {"拜访", "电话", "演示", "邮件"}
    surveys = tables["surveys"]
    assert 6.5 < surveys["nps"].mean() < 8.5 and 65 < surveys["csat"].mean() < 85
