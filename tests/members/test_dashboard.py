"""members.dashboard: the apps above members fill in the dashboard (我的阿里助手) through a
registry, so members imports none of them."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from members import dashboard
from members.dashboard import dashboard_context, register_dashboard_panel
from members.page_sections import SectionRegistry
from tests.factories import CompanyFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def panels(monkeypatch):
    """An empty registry for the test (the apps' own panels are put back afterwards)."""
    registry = SectionRegistry("dashboard panel", "dashboard_templates")
    monkeypatch.setattr(dashboard, "_PANELS", registry)
    return registry


def counts_provider(company):
    return {
        "listing_counts": [("live", "已上网", 4), ("pending_review", "审核中", 1)],
        "listing_total": 5,
    }


def test_a_providers_keys_reach_the_page(client, panels):
    register_dashboard_panel("counts", counts_provider)
    user = UserFactory()
    client.force_login(user)
    html = client.get("/my/").content.decode()
    assert '<th scope="col">已上网</th><th scope="col">审核中</th>' in html
    assert "<td>4</td><td>1</td>" in html
    assert "您还没有发布供求信息" not in html


def test_without_a_provider_the_card_says_there_is_nothing(client, panels):
    client.force_login(UserFactory())
    html = client.get("/my/").content.decode()
    assert "您还没有发布供求信息" in html and "listing-counts" not in html


def test_panel_templates_are_included_in_order_with_the_page_context(client, panels):
    register_dashboard_panel("late", template="members/_badges.html", order=90)
    register_dashboard_panel("orders", template="trade/_dashboard_orders.html", order=30)
    company = CompanyFactory()
    assert dashboard_context(company, {"company": company})["dashboard_templates"] == [
        "trade/_dashboard_orders.html",
        "members/_badges.html",
    ]
    client.force_login(UserFactory(company=company))
    html = client.get("/my/").content.decode()
    assert "我的交易" in html and "待付款 0" in html  # trade's card, rendered for `company`


def test_the_trade_app_registers_its_orders_card(client):
    client.force_login(UserFactory())
    assert "我的交易" in client.get("/my/").content.decode()


def test_a_provider_may_not_replace_a_key_of_the_page(panels):
    register_dashboard_panel("bad", lambda company: {"company": None})
    company = CompanyFactory()
    with pytest.raises(ImproperlyConfigured, match="company"):
        dashboard_context(company, {"company": company})


def test_two_providers_may_not_set_the_same_key(panels):
    register_dashboard_panel("one", counts_provider)
    register_dashboard_panel("two", counts_provider)
    with pytest.raises(ImproperlyConfigured, match="listing_total"):
        dashboard_context(CompanyFactory(), {})


def test_registering_the_same_panel_again_is_harmless_another_one_is_an_error(panels):
    register_dashboard_panel("counts", counts_provider, order=10)
    register_dashboard_panel("counts", counts_provider, order=10)
    assert len(panels) == 1
    with pytest.raises(ImproperlyConfigured):
        register_dashboard_panel("counts", lambda company: {})
    with pytest.raises(ValueError):
        register_dashboard_panel("empty")


def test_no_panels_for_a_user_without_a_company(client, panels):
    register_dashboard_panel("counts", counts_provider)
    client.force_login(UserFactory(company=None))
    assert "尚未关联企业" in client.get("/my/").content.decode()
