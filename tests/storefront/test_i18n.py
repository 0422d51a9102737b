"""Issue 15 (whole English): the own-domain checks and the bad-Host page speak the visitor's
language; Chinese stays the default."""

import re

import pytest
from django.utils import translation

from storefront import rules

CJK = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]")


@pytest.mark.parametrize("raw", ["", "a b", "-bad-", "ab--cd", "com", "-中文", "a.cn", "x" * 70])
def test_label_check_messages_in_english(raw):
    with translation.override("en"):
        check = rules.label_check(raw)
    assert check.message and not CJK.search(check.message)
    assert CJK.search(rules.label_check(raw).message)  # Chinese by default


@pytest.mark.django_db
def test_unknown_host_page_in_the_visitors_language(client):
    english = client.get("/", HTTP_HOST="unknown.example.org", HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 400
    assert b"Bad request (400)" in english.content and not CJK.search(english.content.decode())
    chinese = client.get("/", HTTP_HOST="unknown.example.org")
    assert "错误的请求（400）" in chinese.content.decode()
