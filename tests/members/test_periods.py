"""R-M2 periods and their edges; R-M3 privileges switch with them; renewals (续签)."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.utils import timezone

from marketplace.exceptions import DomainError, TrustPassRequired
from members import privileges, selectors, services
from members.models import Notice, TrustPassPeriod
from members.rules import add_years, next_uncovered_day, reminder_due, renewal_rate
from tests.factories import CompanyFactory, TrustPassPeriodFactory

SH = ZoneInfo("Asia/Shanghai")
START, END = date(2026, 3, 1), date(2027, 3, 1)


def _company_with_period(**kwargs):
    company = CompanyFactory()
    TrustPassPeriodFactory(company=company, starts_on=START, ends_on=END, **kwargs)
    return company


# --- pure rules ------------------------------------------------------------------------------


def test_add_years_keeps_the_day_and_moves_29_february():
    assert add_years(date(2026, 5, 17), 1) == date(2027, 5, 17)
    assert add_years(date(2028, 2, 29), 1) == date(2029, 2, 28)


def test_next_uncovered_day_follows_back_to_back_periods():
    periods = [(date(2026, 1, 1), date(2027, 1, 1)), (date(2027, 1, 1), date(2028, 1, 1))]
    assert next_uncovered_day(periods, date(2026, 6, 1)) == date(2028, 1, 1)
    assert next_uncovered_day(periods, date(2028, 1, 1)) == date(2028, 1, 1)
    assert next_uncovered_day([], date(2026, 6, 1)) == date(2026, 6, 1)
    # A later period after a gap does not pull the start forward.
    gap = [(date(2026, 1, 1), date(2026, 7, 1)), (date(2026, 8, 1), date(2027, 8, 1))]
    assert next_uncovered_day(gap, date(2026, 6, 1)) == date(2026, 7, 1)


@pytest.mark.parametrize(
    ("days_left", "due"),
    [
        (31, None),
        (30, 30),
        (29, 30),
        (8, 30),
        (7, 7),
        (6, 7),
        (2, 7),
        (1, 1),
        (0, None),
        (-3, None),
    ],
)
def test_reminder_due(days_left, due):
    assert reminder_due(days_left) == due


# --- period edges (database) -------------------------------------------------------------------

pytestmark = pytest.mark.django_db


def test_trustpass_on_starts_on_and_not_on_ends_on():
    company = _company_with_period()
    assert not selectors.company_is_trustpass(company, at=START - timedelta(days=1))
    assert selectors.company_is_trustpass(company, at=START)
    assert selectors.company_is_trustpass(company, at=END - timedelta(days=1))
    assert not selectors.company_is_trustpass(company, at=END)


def test_the_sql_form_of_the_rule_has_the_same_edges():
    """`company_is_trustpass_sql` (the search selector's stale-row read) answers as
    `company_is_trustpass` on the day before, the first, the last and the end day."""
    member = _company_with_period()
    other = CompanyFactory()
    TrustPassPeriodFactory(company=other, starts_on=END, ends_on=add_years(END, 1))
    sql = selectors.company_is_trustpass_sql("c.id", "day")
    for day in (START - timedelta(days=1), START, END - timedelta(days=1), END):
        with connection.cursor() as cur:
            cur.execute(
                f"SELECT c.id, {sql} FROM members_company c WHERE c.id = ANY(%(ids)s)",  # noqa: S608
                {"day": day, "ids": [member.pk, other.pk]},
            )
            answers = dict(cur.fetchall())
        for company in (member, other):
            expected = selectors.company_is_trustpass(company, at=day)
            assert answers[company.pk] is expected, (company, day)
    assert [selectors.company_is_trustpass(member, at=d) for d in (START, END)] == [True, False]


def test_edges_are_days_in_shanghai_time():
    company = _company_with_period()
    last_moment = datetime.combine(END - timedelta(days=1), time(23, 59, 59), tzinfo=SH)
    first_moment_after = datetime.combine(END, time(0, 0), tzinfo=SH)
    assert selectors.company_is_trustpass(company, at=last_moment)
    assert not selectors.company_is_trustpass(company, at=first_moment_after)
    # 16:30 UTC on the day before the end is already the end day in Shanghai.
    utc = datetime.combine(END - timedelta(days=1), time(16, 30), tzinfo=ZoneInfo("UTC"))
    assert not selectors.company_is_trustpass(company, at=utc)


def test_until_spans_back_to_back_periods():
    company = _company_with_period()
    TrustPassPeriodFactory(company=company, starts_on=END, ends_on=add_years(END, 1))
    selectors.company_forget_cache(company)
    assert selectors.company_trustpass_until(company, at=START) == add_years(END, 1)
    assert selectors.company_is_trustpass(company, at=END)


def test_lapsed_company_loses_buy_lead_contacts_at_once():
    """Nothing runs at the end: the privilege answer changes with the date itself."""
    today = timezone.localdate()
    ending_today = CompanyFactory()
    TrustPassPeriodFactory(
        company=ending_today, starts_on=today - timedelta(days=365), ends_on=today
    )
    ending_tomorrow = CompanyFactory()
    TrustPassPeriodFactory(
        company=ending_tomorrow,
        starts_on=today - timedelta(days=364),
        ends_on=today + timedelta(days=1),
    )
    assert privileges.can_see_buy_lead_contacts(ending_tomorrow)
    assert privileges.can_quote(ending_tomorrow)
    assert not privileges.can_see_buy_lead_contacts(ending_today)
    assert not privileges.can_quote(ending_today)
    # The same company at the last moment of its period and the first moment after.
    last = datetime.combine(today - timedelta(days=1), time(23, 59, 59), tzinfo=SH)
    assert privileges.can_see_buy_lead_contacts(ending_today, at=last)
    assert not privileges.can_see_buy_lead_contacts(ending_today, at=last + timedelta(seconds=1))


@pytest.mark.parametrize(
    "check",
    [
        privileges.can_see_buy_lead_contacts,
        privileges.can_quote,
        privileges.has_ranking_priority,
        privileges.may_review,
        privileges.has_credit_archive,
        privileges.storefront_online,
        privileges.can_register_domain,
        privileges.has_mailbox,
    ],
)
def test_every_privilege_switches_at_the_edges(check):
    company = _company_with_period()
    assert not check(company, at=START - timedelta(days=1))
    assert check(company, at=START)
    assert not check(company, at=END)
    assert not check(None)


def test_require_trustpass_raises_the_api_error():
    company = _company_with_period()
    privileges.require_trustpass(company, at=START)
    with pytest.raises(TrustPassRequired) as exc:
        privileges.require_trustpass(company, at=END)
    assert exc.value.code == "trustpass_required" and exc.value.status_code == 403


def test_check_reads_periods_once_per_company_instance(django_assert_num_queries):
    company = _company_with_period()
    with django_assert_num_queries(1):
        for _ in range(5):
            privileges.can_quote(company, at=START)
            privileges.storefront_online(company, at=END)


# --- grants and renewals --------------------------------------------------------------------


def test_grant_refuses_an_empty_period():
    company = CompanyFactory()
    with pytest.raises(DomainError) as exc:
        services.membership_grant(company=company, starts_on=START, ends_on=START)
    assert exc.value.code == "invalid_period" and "ends_on" in exc.value.fields
    assert not TrustPassPeriod.objects.filter(company=company).exists()


def test_grant_switches_on_at_once_and_tells_credit_and_the_company(
    credit_calls, django_capture_on_commit_callbacks
):
    company = CompanyFactory()
    today = timezone.localdate()
    assert not privileges.can_quote(company)
    with django_capture_on_commit_callbacks(execute=True):
        services.membership_grant(company=company, starts_on=today, ends_on=add_years(today, 1))
    assert privileges.can_quote(company)  # the instance's cache was refreshed
    assert credit_calls == [(company.pk, "membership_granted")]
    assert Notice.objects.filter(company=company, kind="trustpass_granted").count() == 1


def test_renewal_bought_before_the_end_starts_at_the_old_end():
    company = _company_with_period()
    period = services.membership_renew(company=company, years=1, today=date(2027, 1, 20))
    assert (period.starts_on, period.ends_on) == (END, add_years(END, 1))
    assert selectors.company_trustpass_until(company, at=date(2027, 1, 20)) == add_years(END, 1)


def test_renewal_on_the_last_day_and_twice_in_advance_chain_up():
    company = _company_with_period()
    last_day = END - timedelta(days=1)
    first = services.membership_renew(company=company, today=last_day)
    second = services.membership_renew(company=company, today=last_day)
    assert first.starts_on == END
    assert second.starts_on == first.ends_on == add_years(END, 1)


def test_renewal_after_lapse_starts_today():
    company = _company_with_period()
    later = END + timedelta(days=40)
    period = services.membership_renew(company=company, years=2, today=later)
    assert (period.starts_on, period.ends_on) == (later, add_years(later, 2))


def test_period_update_and_delete_recompute_credit(credit_calls):
    company = _company_with_period()
    period = TrustPassPeriod.objects.get(company=company)
    services.membership_period_update(
        period=period, starts_on=START, ends_on=START + timedelta(days=10), note="更正"
    )
    assert not selectors.company_is_trustpass(company, at=START + timedelta(days=10))
    services.membership_period_delete(period=period)
    assert not TrustPassPeriod.objects.filter(company=company).exists()
    assert credit_calls == [(company.pk, "membership_changed"), (company.pk, "membership_removed")]


def test_membership_state_for_the_dashboard():
    company = _company_with_period()
    state = selectors.company_membership_state(company, today=date(2027, 2, 20))
    assert state.is_trustpass and state.until == END
    assert state.last_day == date(2027, 2, 28) and state.days_left == 9
    assert state.renewal_starts_on == END
    lapsed = selectors.company_membership_state(company, today=END)
    assert not lapsed.is_trustpass and lapsed.days_left is None and lapsed.ever


# --- renewal rate (续签率) ---------------------------------------------------------------------


def test_renewal_rate_rule():
    today = date(2026, 6, 30)
    periods = [
        # company 1: ended 2026-01-01, renewed back to back → renewed
        (1, date(2025, 1, 1), date(2026, 1, 1)),
        (1, date(2026, 1, 1), date(2027, 1, 1)),
        # company 2: ended 2026-02-01, came back 30 days later (the limit) → renewed
        (2, date(2025, 2, 1), date(2026, 2, 1)),
        (2, date(2026, 3, 3), date(2027, 3, 3)),
        # company 3: ended 2026-03-01, came back 31 days later → not renewed
        (3, date(2025, 3, 1), date(2026, 3, 1)),
        (3, date(2026, 4, 1), date(2027, 4, 1)),
        # company 4: ended more than 12 months ago → not counted
        (4, date(2024, 6, 1), date(2025, 6, 30)),
        # company 5: ends in the future → not counted
        (5, date(2026, 1, 1), date(2027, 1, 1)),
    ]
    assert renewal_rate(periods, today=today) == (2, 3)
    assert renewal_rate([], today=today) == (0, 0)


def test_renewal_rate_selector():
    today = timezone.localdate()
    renewed = CompanyFactory()
    TrustPassPeriodFactory(
        company=renewed, starts_on=today - timedelta(days=400), ends_on=today - timedelta(days=35)
    )
    TrustPassPeriodFactory(
        company=renewed, starts_on=today - timedelta(days=35), ends_on=today + timedelta(days=330)
    )
    lapsed = CompanyFactory()
    TrustPassPeriodFactory(
        company=lapsed, starts_on=today - timedelta(days=300), ends_on=today - timedelta(days=10)
    )
    assert selectors.membership_renewal_rate(today=today) == (1, 2, 0.5)
