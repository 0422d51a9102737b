"""Issue 14: the member's notice preferences page (/my/notices/settings/): each event of the
user's role with an e-mail on/off checkbox; in-site notices always come; linked from the
notices page."""

import re

import pytest
from django.urls import reverse

from members import notices
from members.models import NoticePreference
from tests.factories import UserFactory
from tests.members.notice_factories import ConfirmedUserFactory

pytestmark = pytest.mark.django_db
URL = "/my/notices/settings/"


def _checkboxes(html: str) -> dict[str, bool]:
    return {
        m.group(1): " checked" in m.group(0)
        for m in re.finditer(r'<input type="checkbox" name="email" value="(\w+)"[^>]*>', html)
    }


def test_the_url_and_its_name():
    assert reverse("members:notice_settings") == URL


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_an_administrator_sees_every_event_on_by_default(client):
    user = ConfirmedUserFactory()
    client.force_login(user)
    html = client.get(URL).content.decode()
    assert _checkboxes(html) == dict.fromkeys(notices.EVENTS, True)
    assert "信息审核通过" in html and "收到询盘" in html and "诚信通续费提醒" in html
    assert user.email in html


def test_a_sales_colleague_sees_only_the_events_of_the_role(client):
    user = ConfirmedUserFactory(role="sales")
    client.force_login(user)
    boxes = _checkboxes(client.get(URL).content.decode())
    assert set(boxes) == set(notices.events_for_role("sales"))
    assert "inquiry_received" in boxes and "listing_approved" not in boxes


def test_saving_turns_unticked_events_off_and_back_on(client):
    user = ConfirmedUserFactory(role="listings")
    client.force_login(user)
    keep = ["listing_approved", "listing_rejected"]
    response = client.post(URL, {"email": keep})
    assert response.status_code == 302 and response["Location"] == URL
    off = set(
        NoticePreference.objects.filter(user=user, send_email=False).values_list("event", flat=True)
    )
    assert off == {"listing_expiring", "listing_expired"}
    page = client.get(URL).content.decode()
    assert _checkboxes(page) == {
        "listing_approved": True,
        "listing_rejected": True,
        "listing_expiring": False,
        "listing_expired": False,
    }
    assert "通知设置已保存" in page
    client.post(URL, {"email": list(notices.events_for_role("listings"))})
    assert not NoticePreference.objects.filter(user=user, send_email=False).exists()


def test_an_unknown_event_is_refused(client):
    user = ConfirmedUserFactory()
    client.force_login(user)
    response = client.post(URL, {"email": ["listing_approved", "nonsense"]})
    assert response.status_code == 400
    assert not NoticePreference.objects.filter(user=user).exists()


def test_an_unconfirmed_address_is_told_that_no_email_goes_out(client):
    client.force_login(UserFactory())
    html = client.get(URL).content.decode()
    assert 'data-testid="email-unconfirmed"' in html and "尚未确认" in html


def test_the_notices_page_links_the_settings(client):
    client.force_login(ConfirmedUserFactory())
    html = client.get("/my/notices/").content.decode()
    assert f'href="{URL}"' in html
