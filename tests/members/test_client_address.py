"""Issue 17, finding 5: the client's address is trusted only from known proxies.

`marketplace.clients.client_ip` is the one answer to "who is asking" (DRF throttles, axes,
listing view counts). With TRUSTED_PROXY_COUNT = N the client is the N-th address from the
right of X-Forwarded-For (the rightmost N were added by our proxies); with 0, REMOTE_ADDR.
Every throttle rate is a setting, and a lockout answers 429 with Retry-After.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import RequestFactory, override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "Secret-pass-2026"
PROXY = "10.0.0.2"
ROOT = Path(__file__).resolve().parent.parent.parent


def _rates(**rates) -> dict:
    rf = settings.REST_FRAMEWORK
    return {**rf, "DEFAULT_THROTTLE_RATES": {**rf["DEFAULT_THROTTLE_RATES"], **rates}}


def sign_in(client, username, password="wrong", *, remote=PROXY, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(
        "/api/v1/auth/token/", {"username": username, "password": password}, format="json", **extra
    )


# --- the kernel function ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, None, "10.0.0.2"),
        (0, "203.0.113.9", "10.0.0.2"),  # no trusted proxy: the header is the client's word
        (1, None, "10.0.0.2"),
        (1, "198.51.100.1", "198.51.100.1"),
        (1, "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # the client wrote the left part
        (2, "6.6.6.6, 198.51.100.1, 10.0.0.9", "198.51.100.1"),
        (2, " 198.51.100.1 ,10.0.0.9", "198.51.100.1"),
        (3, "198.51.100.1, 10.0.0.9", "198.51.100.1"),  # fewer hops than proxies: leftmost
        (1, "not-an-address", "10.0.0.2"),  # garbage never reaches an inet column
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_client_ip(count, forwarded, expected):
    from marketplace.clients import client_ip

    extra = {"REMOTE_ADDR": PROXY}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    request = RequestFactory().get("/", **extra)
    with override_settings(TRUSTED_PROXY_COUNT=count):
        assert client_ip(request) == expected


def test_no_proxy_is_trusted_by_default():
    assert settings.TRUSTED_PROXY_COUNT == 0
    assert settings.REST_FRAMEWORK["NUM_PROXIES"] == 0
    assert settings.AXES_CLIENT_IP_CALLABLE == "marketplace.clients.client_ip"


# --- sign-in throttle ---------------------------------------------------------------------


def test_rotating_forwarded_for_does_not_escape_the_sign_in_throttle():
    """The finding: 40 attempts from one address, each with a new X-Forwarded-For, and no
    429 (the limit is 30 a minute). Other user names each time, so axes stays out of it."""
    client = APIClient()
    answers = [
        sign_in(client, f"nobody{i}", remote="10.5.5.5", forwarded=f"203.0.113.{i}").status_code
        for i in range(40)
    ]
    assert answers[:30] == [400] * 30
    assert answers[30:] == [429] * 10


@override_settings(TRUSTED_PROXY_COUNT=1, REST_FRAMEWORK=_rates(sign_in="3/min"))
def test_behind_a_trusted_proxy_each_client_has_its_own_bucket():
    client = APIClient()
    a = [sign_in(client, f"a{i}", forwarded=f"6.6.6.{i}, 198.51.100.1") for i in range(4)]
    # Client A rotated the part it writes itself: still one client, throttled.
    assert [r.status_code for r in a] == [400, 400, 400, 429]
    assert a[3].json()["code"] == "rate_limited"
    assert int(a[3]["Retry-After"]) >= 1
    # Client B behind the same proxy has its own bucket.
    assert sign_in(client, "b", forwarded="198.51.100.2").status_code == 400


@override_settings(REST_FRAMEWORK=_rates(sign_up="2/min"))
def test_the_sign_up_rate_is_a_setting():
    client = APIClient()
    codes = [
        client.post("/api/v1/auth/register/", {}, format="json", REMOTE_ADDR="10.6.6.6")
        for _ in range(3)
    ]
    assert [r.status_code for r in codes] == [400, 400, 429]


def test_every_throttle_rate_is_an_environment_setting_documented_in_the_readme():
    from tests.members.test_settings import _settings_probe

    probe = _settings_probe(
        "marketplace.settings.local", THROTTLE_SIGN_IN="7/min", THROTTLE_SIGN_UP="off"
    )
    assert probe["throttle"]["sign_in"] == "7/min"
    assert probe["throttle"]["sign_up"] is None
    names = re.findall(
        r'_throttle_rate\("(\w+)"', (ROOT / "marketplace/settings/base.py").read_text()
    )
    assert {"THROTTLE_ANON", "THROTTLE_USER", "THROTTLE_SIGN_IN", "THROTTLE_SIGN_UP"} <= set(names)
    readme = (ROOT / "README.md").read_text()
    for name in [*names, "TRUSTED_PROXY_COUNT"]:
        assert f"`{name}`" in readme, name
    # No view hard-codes a rate: each throttle's scope has its rate in the settings.
    from members.api import RegisterApi, TokenApi

    for view in (RegisterApi, TokenApi):
        for throttle in view.throttle_classes:
            assert "rate" not in vars(throttle)
            assert throttle.scope in settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]


# --- axes lockout -------------------------------------------------------------------------


@override_settings(AXES_FAILURE_LIMIT=3)
def test_rotating_forwarded_for_does_not_reset_an_axes_lockout():
    user = UserFactory()
    client = APIClient()
    for i in range(3):
        sign_in(client, user.username, remote="10.7.7.7", forwarded=f"203.0.113.{i}")
    locked = sign_in(client, user.username, PASSWORD, remote="10.7.7.7", forwarded="203.0.113.99")
    assert locked.status_code == 429
    assert locked.json()["code"] == "login_locked"


@override_settings(AXES_FAILURE_LIMIT=3, TRUSTED_PROXY_COUNT=1)
def test_behind_a_trusted_proxy_axes_locks_the_client_not_the_proxy():
    from axes.models import AccessAttempt

    user = UserFactory()
    client = APIClient()
    for _ in range(3):
        sign_in(client, user.username, forwarded="6.6.6.6, 198.51.100.1")
    assert sign_in(client, user.username, PASSWORD, forwarded="198.51.100.1").status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.1"}
    # Another client behind the same proxy is not locked out with it.
    assert sign_in(client, user.username, PASSWORD, forwarded="198.51.100.2").status_code == 200


@override_settings(AXES_FAILURE_LIMIT=3, AXES_COOLOFF_TIME=0.25)
def test_api_lockout_carries_retry_after_the_cool_off():
    user = UserFactory()
    client = APIClient()
    for _ in range(3):
        sign_in(client, user.username)
    locked = sign_in(client, user.username, PASSWORD)
    assert locked.status_code == 429
    assert locked.json()["code"] == "login_locked"
    assert locked["Retry-After"] == "900"


@override_settings(AXES_FAILURE_LIMIT=3, AXES_COOLOFF_TIME=0.25)
def test_login_page_lockout_is_429_with_retry_after(client):
    user = UserFactory()
    url = reverse("members:login")
    for _ in range(3):
        client.post(url, {"username": user.username, "password": "nope"}, REMOTE_ADDR=PROXY)
    locked = client.post(url, {"username": user.username, "password": PASSWORD}, REMOTE_ADDR=PROXY)
    assert locked.status_code == 429
    assert locked["Retry-After"] == "900"
    assert "登录失败次数过多" in locked.content.decode()
    assert "_auth_user_id" not in client.session
