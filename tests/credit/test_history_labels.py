"""Issue 15: the credit archive reads consistently. Its score history speaks Chinese
("订单 #1 交易完成 +2", never `order:1:completed`) while the API keeps the raw `cause` beside a
`cause_label`; and it shows the membership start (诚信通会员起始, the first TrustPass
period's start) next to the archive years, not the account's creation."""

from datetime import datetime, time, timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.translation import override

from credit import history_labels
from credit.models import ScoreHistory
from members.models import Company
from members.rules import add_years
from tests.factories import CompanyFactory, TrustPassPeriodFactory


@pytest.mark.parametrize(
    ("cause", "label"),
    [
        ("order:1:completed", "订单 #1 交易完成"),
        ("order:42:refunded", "订单 #42 交易退款"),
        ("order:7:something", "订单 #7 交易结束"),
        ("review:12", "收到会员评价"),
        ("certificate:3:verified", "证书通过核实"),
        ("certificate:3:rejected", "证书被驳回"),
        ("certificate:3:deleted", "证书已删除"),
        ("certificate:3", "证书变更"),
        ("verification_approved", "身份认证通过"),
        ("verification_revoked", "身份认证被撤销"),
        ("verification_changed", "身份认证变更"),
        ("verification_other", "身份认证变更"),
        ("membership_granted", "开通诚信通会员"),
        ("membership_changed", "诚信通会员期变更"),
        ("membership_removed", "诚信通会员期撤销"),
        ("membership_whatever", "诚信通会员期变更"),
        ("nightly", "每日重算（档案年限）"),
        ("staff", "工作人员重新计算"),
        ("demo", "演示数据初始化"),
        # The fallback: a plain recomputation, never code.
        ("event", "积分重新计算"),
        ("order:x:completed", "积分重新计算"),
        ("", "积分重新计算"),
        (None, "积分重新计算"),
    ],
)
def test_every_cause_kind_has_a_chinese_label(cause, label):
    with override("zh-hans"):
        assert history_labels.cause_label(cause) == label


@pytest.mark.parametrize(("old", "new", "shown"), [(0, 2, "+2"), (12, 10, "−2"), (5, 5, "0")])
def test_score_change_is_signed(old, new, shown):
    assert history_labels.score_change(old, new) == shown


def _history(company, old, new, cause):
    return ScoreHistory.objects.create(
        company=company, old_score=old, new_score=new, breakdown={}, cause=cause
    )


@pytest.mark.django_db
def test_archive_page_history_speaks_chinese_and_the_api_keeps_the_cause(api_client):
    company = CompanyFactory()
    TrustPassPeriodFactory(company=company)
    _history(company, 0, 10, "verification_approved")
    _history(company, 10, 12, "order:1:completed")
    html = Client().get(f"/companies/{company.member_id}/credit/").content.decode()
    table = html[html.index('class="data score-history"') :]
    table = table[: table.index("</table>")]
    assert "订单 #1 交易完成" in table and "+2" in table
    assert "身份认证通过" in table and "+10" in table
    assert "order:1" not in html and "verification_approved" not in html

    body = api_client.get(f"/api/v1/companies/{company.member_id}/credit/").json()
    assert [(h["cause"], h["cause_label"]) for h in body["history"]] == [
        ("order:1:completed", "订单 #1 交易完成"),
        ("verification_approved", "身份认证通过"),
    ]


@pytest.mark.django_db
def test_archive_shows_the_membership_start_not_the_account_creation(api_client):
    today = timezone.localdate()
    company = CompanyFactory()  # the account opened today
    start = add_years(today, -2)
    TrustPassPeriodFactory(company=company, starts_on=start, ends_on=add_years(start, 1))
    TrustPassPeriodFactory(
        company=company, starts_on=add_years(start, 1), ends_on=add_years(start, 3)
    )
    TrustPassPeriodFactory(  # bought ahead: not a start yet
        company=company, starts_on=add_years(start, 3), ends_on=add_years(start, 4)
    )
    Company.objects.filter(pk=company.pk).update(
        created_at=timezone.make_aware(datetime.combine(today - timedelta(days=3), time(10)))
    )
    res = Client().get(f"/companies/{company.member_id}/credit/")
    archive = res.context["archive"]
    assert archive.trustpass_since == start
    assert archive.archive_years == 2
    html = res.content.decode()
    facts = html[html.index('data-testid="archive-years"') :]
    facts = facts[: facts.index("</dl>")]
    assert "诚信通会员起始" in facts and start.isoformat() in facts and "档案年限" in facts
    assert (today - timedelta(days=3)).isoformat() not in facts  # the account is elsewhere
    assert "账号注册时间" in html

    body = api_client.get(f"/api/v1/companies/{company.member_id}/credit/").json()
    assert body["trustpass_since"] == start.isoformat()
    assert body["activity"]["member_since"].startswith((today - timedelta(days=3)).isoformat())


@pytest.mark.django_db
def test_a_company_never_trustpass_has_no_membership_start(api_client):
    company = CompanyFactory()
    html = Client().get(f"/companies/{company.member_id}/credit/").content.decode()
    assert "尚未开通诚信通" in html
    body = api_client.get(f"/api/v1/companies/{company.member_id}/credit/").json()
    assert body["trustpass_since"] is None
