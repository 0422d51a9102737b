"""members.signals: sent inside the sender's transaction, with the documented keywords, so a
receiver's write commits or rolls back with the change (DESIGN.md, layers)."""

from contextlib import contextmanager
from datetime import date

import pytest
from django.db import transaction

from members import services, verification_services
from members.models import Company, TrustPassPeriod
from members.signals import membership_changed, verification_changed
from tests.factories import CompanyFactory, TrustPassPeriodFactory
from tests.members.factories import VALID_NUMBERS, VerificationAgencyFactory

pytestmark = pytest.mark.django_db

START, END = date(2026, 3, 1), date(2027, 3, 1)


class Boom(Exception):
    pass


@contextmanager
def listening(signal, receiver):
    signal.connect(receiver, dispatch_uid="tests.members.test_signals")
    try:
        yield
    finally:
        signal.disconnect(dispatch_uid="tests.members.test_signals")


def _recorder(seen: list, *, model=None):
    def receiver(sender, **kwargs):
        row = dict(kwargs, sender=sender)
        row.pop("signal")
        if model is not None:  # what the receiver sees of the change, in the transaction
            row["rows"] = model.objects.filter(company_id=kwargs["company_id"]).count()
        seen.append(row)

    return receiver


def test_membership_changed_is_sent_inside_the_transaction(django_capture_on_commit_callbacks):
    company = CompanyFactory()
    seen: list = []
    with listening(membership_changed, _recorder(seen, model=TrustPassPeriod)):
        with django_capture_on_commit_callbacks(execute=False):
            period = services.membership_grant(company=company, starts_on=START, ends_on=END)
            # Before commit, and the receiver already saw the new period.
            assert seen == [
                {
                    "sender": Company,
                    "company_id": company.pk,
                    "cause": "membership_granted",
                    "rows": 1,
                }
            ]
        services.membership_period_update(period=period, starts_on=START, ends_on=END, note="x")
        services.membership_period_delete(period=period)
    assert [(s["cause"], s["rows"]) for s in seen] == [
        ("membership_granted", 1),
        ("membership_changed", 1),
        ("membership_removed", 0),
    ]


def test_membership_changed_by_a_renewal_names_the_grant():
    company = CompanyFactory()
    seen: list = []
    with listening(membership_changed, _recorder(seen)):
        services.membership_renew(company=company, years=1, today=START)
    assert [(s["company_id"], s["cause"]) for s in seen] == [(company.pk, "membership_granted")]


def test_a_receiver_that_raises_rolls_the_membership_change_back():
    company = CompanyFactory()

    def failing(sender, **kwargs):
        raise Boom()

    with listening(membership_changed, failing), pytest.raises(Boom):
        services.membership_grant(company=company, starts_on=START, ends_on=END)
    assert not TrustPassPeriod.objects.filter(company=company).exists()


def test_a_change_rolled_back_later_takes_the_receivers_write_along():
    """A receiver's write is part of the sender's transaction (what credit relies on)."""
    company = CompanyFactory()

    def write(sender, company_id, **kwargs):
        Company.objects.filter(pk=company_id).update(summary="receiver wrote this")

    with listening(membership_changed, write), pytest.raises(Boom), transaction.atomic():
        services.membership_grant(company=company, starts_on=START, ends_on=END)
        assert Company.objects.get(pk=company.pk).summary == "receiver wrote this"
        raise Boom()
    assert Company.objects.get(pk=company.pk).summary == ""
    assert not TrustPassPeriod.objects.filter(company=company).exists()


def test_verification_changed_on_approval_and_revocation_only(django_capture_on_commit_callbacks):
    company = CompanyFactory()
    TrustPassPeriodFactory(company=company)  # R-M3.3: TrustPass companies apply
    agency = VerificationAgencyFactory()
    seen: list = []
    with listening(verification_changed, _recorder(seen)):
        first = verification_services.verification_apply(
            company=company,
            agency=agency,
            registration_number=VALID_NUMBERS[0],
            applicant_name="王",
        )
        verification_services.verification_reject(application=first, reason="营业执照已过期")
        assert seen == []  # a rejection changes nothing others use
        app = verification_services.verification_apply(
            company=company,
            agency=agency,
            registration_number=VALID_NUMBERS[0],
            applicant_name="王",
        )
        with django_capture_on_commit_callbacks(execute=False):
            verification_services.verification_approve(application=app)
            assert len(seen) == 1  # sent before commit
        verification_services.verification_revoke(application=app, reason="营业执照已吊销")
    assert [(s["sender"], s["company_id"], s["verified"], s["cause"]) for s in seen] == [
        (Company, company.pk, True, "verification_approved"),
        (Company, company.pk, False, "verification_revoked"),
    ]


def test_a_receiver_that_raises_rolls_the_verification_decision_back():
    company = CompanyFactory()
    TrustPassPeriodFactory(company=company)  # R-M3.3: TrustPass companies apply
    app = verification_services.verification_apply(
        company=company,
        agency=VerificationAgencyFactory(),
        registration_number=VALID_NUMBERS[0],
        applicant_name="王",
    )

    def failing(sender, **kwargs):
        raise Boom()

    with listening(verification_changed, failing), pytest.raises(Boom):
        verification_services.verification_approve(application=app)
    app.refresh_from_db()
    assert app.status == "pending" and not Company.objects.get(pk=company.pk).verified
