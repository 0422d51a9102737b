"""R-T1 / R-L1: what can be ordered and at what price (pure rules, at their edges)."""

from decimal import Decimal

import pytest

from trade import pricing

OK = {
    "kind": "supply",
    "status": "live",
    "fixed_price": True,
    "supports_escrow": True,
    "price": Decimal("10.00"),
    "price_max": None,
}


def test_a_live_fixed_price_escrow_supply_listing_is_orderable():
    assert pricing.orderable_problem(**OK) is None
    assert pricing.is_orderable(**OK)


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"kind": "demand"}, "求购"),
        ({"status": "pending_review"}, "未上网"),
        ({"status": "withdrawn"}, "未上网"),
        ({"fixed_price": False}, "一口价"),
        ({"supports_escrow": False}, "支付宝"),
        ({"price": None}, "单价"),
        ({"price": Decimal("0")}, "单价"),
        ({"price_max": Decimal("12.00")}, "价格区间"),
    ],
)
def test_each_reason_a_listing_cannot_be_ordered(change, words):
    problem = pricing.orderable_problem(**{**OK, **change})
    assert problem is not None and words in problem


def test_a_range_whose_ends_are_equal_is_a_firm_price():
    assert pricing.orderable_problem(**{**OK, "price_max": Decimal("10.00")}) is None


TIERS = [{"min_qty": 1, "price": "12.00"}, {"min_qty": 100, "price": "10.00"}]


@pytest.mark.parametrize(
    ("quantity", "expected"),
    [(1, "12.00"), (99, "12.00"), (100, "10.00"), (101, "10.00")],
)
def test_tier_price_applies_from_its_minimum_quantity(quantity, expected):
    unit = pricing.unit_price_for(price=Decimal("12.50"), price_tiers=TIERS, quantity=quantity)
    assert unit == Decimal(expected)


def test_without_tiers_the_fixed_price_applies_and_bad_tiers_are_ignored():
    assert pricing.unit_price_for(price=Decimal("9.9"), price_tiers=[], quantity=5) == Decimal(
        "9.90"
    )
    bad = [{"min_qty": "x", "price": "1"}, {"price": "1"}, {"min_qty": 2, "price": "-1"}, "junk"]
    assert pricing.unit_price_for(price=Decimal("9.90"), price_tiers=bad, quantity=5) == Decimal(
        "9.90"
    )


@pytest.mark.parametrize(
    ("quantity", "min_order", "ok"),
    [
        (0, 1, False),
        (1, 1, True),
        (9, 10, False),
        (10, 10, True),
        (1_000_000, 1, True),
        (1_000_001, 1, False),
    ],
)
def test_quantity_limits(quantity, min_order, ok):
    problem = pricing.quantity_problem(quantity=quantity, min_order=min_order, unit="吨")
    assert (problem is None) is ok
    if quantity == 9:
        assert "最小起订量为 10 吨" in problem


def test_total_and_its_ceiling():
    assert pricing.order_total(unit_price=Decimal("0.35"), quantity=3) == Decimal("1.05")
    assert pricing.total_problem(Decimal("999999999999.99")) is None
    assert pricing.total_problem(Decimal("1000000000000.00")) is not None
