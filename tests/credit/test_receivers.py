"""credit/receivers.py: credit answers members' and trade's signals inside their transactions
(R-C7). The recalculation marker (the outbox row) commits or rolls back with the event, and
the recomputation runs after commit."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from credit import receivers
from credit.models import PendingRecalculation, ScoreHistory
from members import services as member_services
from members import verification_services
from members.models import Company, TrustPassPeriod
from tests.factories import CompanyFactory, TrustPassPeriodFactory, UserFactory
from tests.members.factories import VALID_NUMBERS, VerificationAgencyFactory
from tests.trade.factories import EscrowListingFactory
from trade import services as trade_services
from trade.models import Order

pytestmark = pytest.mark.django_db


class Boom(Exception):
    pass


def markers() -> dict[int, tuple[str, int]]:
    return {m.company_id: (m.cause, m.version) for m in PendingRecalculation.objects.order_by("pk")}


def score_of(company) -> int:
    return Company.objects.get(pk=company.pk).credit_score


def _grant(company):
    today = timezone.localdate()
    return member_services.membership_grant(
        company=company, starts_on=today - timedelta(days=400), ends_on=today + timedelta(days=30)
    )


# --- membership (members.signals.membership_changed) -----------------------------------------


def test_membership_change_writes_the_marker_in_its_transaction(
    django_capture_on_commit_callbacks,
):
    company = CompanyFactory()
    with django_capture_on_commit_callbacks(execute=True):
        _grant(company)
        assert markers() == {company.pk: ("membership_granted", 1)}  # before commit
    # After commit the task ran: archive years counted (R-C3), marker gone.
    assert score_of(company) == 20 and markers() == {}


def test_membership_change_and_its_marker_roll_back_together():
    company = CompanyFactory()
    with pytest.raises(Boom), transaction.atomic():
        _grant(company)
        assert markers() == {company.pk: ("membership_granted", 1)}
        raise Boom()
    assert not TrustPassPeriod.objects.filter(company=company).exists()
    assert markers() == {}


def test_connecting_again_does_not_answer_twice():
    receivers.connect()  # dispatch_uid: still one receiver per signal
    company = CompanyFactory()
    _grant(company)
    assert markers() == {company.pk: ("membership_granted", 1)}


# --- verification (members.signals.verification_changed) -------------------------------------


def test_verification_decision_and_its_marker_roll_back_together(
    django_capture_on_commit_callbacks,
):
    company = CompanyFactory()
    TrustPassPeriodFactory(company=company)  # R-M3.3: TrustPass companies apply
    app = verification_services.verification_apply(
        company=company,
        agency=VerificationAgencyFactory(),
        registration_number=VALID_NUMBERS[0],
        applicant_name="王",
    )
    with pytest.raises(Boom), transaction.atomic():
        verification_services.verification_approve(application=app)
        assert markers() == {company.pk: ("verification_approved", 1)}
        raise Boom()
    assert markers() == {} and not Company.objects.get(pk=company.pk).verified
    with django_capture_on_commit_callbacks(execute=True):
        verification_services.verification_approve(application=app)
    assert score_of(company) == 10 and markers() == {}
    history = ScoreHistory.objects.get(company=company)
    assert (history.new_score, history.cause) == (10, "verification_approved")


# --- settled trades (trade.signals.order_settled) --------------------------------------------


def _shipped_order():
    seller, buyer = UserFactory(), UserFactory()
    TrustPassPeriodFactory(company=seller.company)
    TrustPassPeriodFactory(company=buyer.company)
    listing = EscrowListingFactory(company=seller.company)
    order = trade_services.order_create(buyer=buyer.company, listing_id=listing.pk, quantity=2)
    trade_services.order_pay(order_id=order.pk, by=buyer.company)
    return trade_services.order_ship(order_id=order.pk, by=seller.company)


def test_a_completed_trade_records_the_recalculation_of_both_parties(
    django_capture_on_commit_callbacks,
):
    order = _shipped_order()
    assert markers() == {}  # paying and shipping settle nothing
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        trade_services.order_confirm(order_id=order.pk, by=order.buyer)
    cause = f"order:{order.pk}:completed"
    assert markers() == {order.buyer_id: (cause, 1), order.seller_id: (cause, 1)}
    for callback in callbacks:
        callback()
    assert markers() == {}  # both recomputed


def test_a_refunded_trade_records_the_recalculation_of_both_parties():
    order = _shipped_order()
    trade_services.order_refund(order_id=order.pk, by=order.seller, reason="缺货")
    cause = f"order:{order.pk}:refunded"
    assert markers() == {order.buyer_id: (cause, 1), order.seller_id: (cause, 1)}


def test_a_settlement_and_its_markers_roll_back_together():
    order = _shipped_order()
    with pytest.raises(Boom), transaction.atomic():
        trade_services.order_confirm(order_id=order.pk, by=order.buyer)
        assert len(markers()) == 2
        raise Boom()
    assert Order.objects.get(pk=order.pk).status == "shipped"
    assert markers() == {}
