"""R-M1 member ID rules, at their edges (pure, no database)."""

import pytest

from members.rules import RESERVED_MEMBER_IDS, member_id_problem


@pytest.mark.parametrize("value", ["abc", "a" * 30, "hz-steel", "steel2026", "0ab"])
def test_valid_member_ids(value):
    assert member_id_problem(value) is None


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("ab", "3–30"),
        ("a" * 31, "3–30"),
        ("HzSteel", "小写"),
        ("-steel", "连字符"),
        ("steel-", "连字符"),
        ("hz_steel", "只能包含"),
        ("杭州钢管", "只能包含"),
        ("admin", "保留"),
        ("www", "保留"),
        ("api", "保留"),
        ("mail", "保留"),
    ],
)
def test_invalid_member_ids_say_why(value, fragment):
    problem = member_id_problem(value)
    assert problem is not None
    assert fragment in problem


def test_reserved_list_holds_the_rules_examples():
    assert {"www", "admin", "api", "mail"} <= RESERVED_MEMBER_IDS
