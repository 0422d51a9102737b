"""Issue 14: every event's e-mail rendered (all keys of members.notices.EVENTS), and every
link in it absolute on MAIN_SITE_URL: in the text, in the HTML alternative, in the subject;
no relative href or path anywhere. A missing template fails with its event's name."""

import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings as django_settings
from django.template.loader import get_template
from django.utils import timezone

from members import notices
from members.models import Notice
from tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db

SITE = "https://www.example.cn"
ABSOLUTE = re.compile(r"https?://[^\s\"'<>）]+")
HREF = re.compile(r"""(?:href|src)\s*=\s*["']([^"']*)["']""", re.IGNORECASE)
# A site path not preceded by a host: "/my/…" after a space, a colon, a quote or a bracket.
RELATIVE = re.compile(r"(?<![\w/.:@-])/[A-Za-z][\w-]*(?:/|\b)")
VARIABLE = re.compile(r"{{\s*([\w.]+)")


def _template_dirs() -> list[Path]:
    return [Path(d) for t in django_settings.TEMPLATES for d in t["DIRS"]]


def _missing(event: str) -> list[str]:
    names = [f"notices/{event}/subject.txt", f"notices/{event}/body.txt"]
    found = []
    for name in names:
        try:
            get_template(name)
        except Exception:  # TemplateDoesNotExist, or a syntax error: both make it unusable
            found.append(name)
    return found


def _link_variables(event: str) -> set[str]:
    """Names the event's templates print that end in `link` or `url` (besides `link`):
    their callers pass absolute URLs (members.notices.absolute_url), so this test does too."""
    names = set()
    for directory in _template_dirs():
        for part in ("subject.txt", "body.txt"):
            path = directory / "notices" / event / part
            if path.exists():
                names |= {
                    n.split(".")[0] for n in VARIABLE.findall(path.read_text(encoding="utf-8"))
                }
    return {n for n in names if n.endswith(("link", "url")) and n != "link"}


def _sample_context(event: str, other) -> dict:
    """Plausible values for what the events' callers pass (unknown names render empty)."""
    now = timezone.now()
    context = {
        "title": "供应优质不锈钢无缝钢管",
        "reasons": [{"code": "description_too_thin", "detail": "产品介绍信息过于简单"}],
        "expires_at": now + timedelta(days=3),
        "expired_at": now,
        "sender": other,
        "subject": "求购304不锈钢无缝钢管",
        "message": "请问现货多少吨？联系邮箱 buyer@example.com",
        "quantity": 20,
        "unit_price": Decimal("12500.00"),
        "days_left": 7,
        "starts_on": date(2026, 3, 1),
        "last_day": date(2027, 2, 28),
        "ends_on": date(2027, 3, 1),
        "decision": "approved",
        "approved": True,
        "agency": "华夏邓白氏（中国）商业信息咨询有限公司",
        "reason": "营业执照照片不清晰",
        "certificate_code": "ABCD-2345",
        "buyer": other,
        "seller": other,
        "counterpart": other,
        "amount": Decimal("3500.00"),
        "rating": "positive",
        "rating_label": "好评",
        "role": "buyer",
        "order": SimpleNamespace(pk=1024, total=Decimal("3500.00"), tracking_no="SF1234567890"),
        "order_id": 1024,
        "listing_title": "供应优质不锈钢无缝钢管",
        "other_party": other,
        "buyer_name": other.name,
        "reviewer_name": other.name,
        "who": "买家",
        "unit": "吨",
        "days": 10,
        "hours": 24,
        "points": 2,
        "decided": "refunded",
        "confirm_by": now + timedelta(days=10),
        "comment": "发货及时，质量很好",
        "change_request": SimpleNamespace(name="杭州新钢管有限公司", registration_number=""),
    }
    for name in _link_variables(event):
        context[name] = notices.absolute_url("/some/page/")
    return context


def _check_links(where: str, text: str) -> list[str]:
    problems = [
        f"{where}: link off the site: {u}"
        for u in ABSOLUTE.findall(text)
        if not u.startswith(SITE + "/")
    ]
    for href in HREF.findall(text):
        if not (href.startswith(SITE + "/") or href.startswith("mailto:")):
            problems.append(f"{where}: relative or foreign href: {href!r}")
    rest = ABSOLUTE.sub("", text)
    rest = re.sub(r"mailto:\S+", "", rest)
    rest = re.sub(r"</?\w[^>]*>", " ", rest)  # the markup's own slashes are not paths
    problems += [f"{where}: relative path: {m!r}" for m in RELATIVE.findall(rest)]
    return problems


@pytest.mark.parametrize("event", list(notices.EVENTS))
def test_every_link_in_the_events_email_is_absolute(event, settings):
    settings.MAIN_SITE_URL = SITE
    missing = _missing(event)
    assert not missing, f"event {event!r}: template(s) missing or broken: {', '.join(missing)}"
    company = CompanyFactory(name="杭州钢管有限公司", contact_name="王经理")
    other = CompanyFactory(name="上海采购有限公司", member_id="shbuyer")
    notice = notices.notify(
        company=company,
        event=event,
        context=_sample_context(event, other),
        url=f"/my/things/{event}/",
    )
    notice = Notice.objects.get(pk=notice.pk)
    assert notice.title and notice.body, f"event {event!r}: empty subject or body"
    message = notices.email_message(notice, "someone@example.cn")
    html = message.alternatives[0][0]
    problems = (
        _check_links("subject", message.subject)
        + _check_links("text", message.body)
        + _check_links("html", html)
    )
    assert not problems, f"event {event!r}:\n" + "\n".join(problems)
    # The notice's own link and the settings page are in both parts, absolute.
    assert f"{SITE}/my/things/{event}/" in message.body
    assert f'href="{SITE}/my/things/{event}/"' in html
    assert f"{SITE}/my/notices/settings/" in message.body


def test_all_events_have_their_templates():
    """One list of every event whose templates are still missing (the test above names
    them one by one)."""
    missing = {event: m for event in notices.EVENTS if (m := _missing(event))}
    assert not missing, "notice templates missing: " + "; ".join(
        f"{event}: {', '.join(m)}" for event, m in missing.items()
    )


def test_the_check_itself_finds_relative_links():
    assert _check_links("t", "查看：/my/listings/1/")
    assert _check_links("t", '<a href="/my/">x</a>')
    assert _check_links("t", "http://127.0.0.1:8000/my/")
    assert not _check_links("t", f"查看：{SITE}/my/listings/1/ 单价 ¥12/吨 销售/询盘")
    assert not _check_links(
        "t", f'<p><a href="{SITE}/x/">x</a><br>联系 <a href="mailto:a@b.cn">a@b.cn</a></p>'
    )
