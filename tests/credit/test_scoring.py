"""Pure rules of the score (R-C2–R-C6) and of reviews (R-C4), at their edges."""

from datetime import date, timedelta

import pytest

from credit import scoring
from credit.review_rules import allowed_ratings, review_refusal

TODAY = date(2026, 6, 1)


def days_ago(n):
    return TODAY - timedelta(days=n)


class TestCoveredDays:
    def test_no_periods(self):
        assert scoring.covered_days([], TODAY) == 0

    def test_one_running_period_counts_only_days_before_today(self):
        assert scoring.covered_days([(days_ago(10), TODAY + timedelta(days=300))], TODAY) == 10

    def test_period_starting_today_or_later_counts_nothing(self):
        assert scoring.covered_days([(TODAY, TODAY + timedelta(days=365))], TODAY) == 0
        assert (
            scoring.covered_days([(TODAY + timedelta(days=5), TODAY + timedelta(days=9))], TODAY)
            == 0
        )

    def test_overlapping_periods_counted_once(self):
        periods = [(days_ago(100), days_ago(40)), (days_ago(60), days_ago(10))]
        assert scoring.covered_days(periods, TODAY) == 90

    def test_contained_and_adjacent_periods(self):
        periods = [
            (days_ago(100), days_ago(50)),
            (days_ago(90), days_ago(60)),
            (days_ago(50), days_ago(20)),
        ]
        assert scoring.covered_days(periods, TODAY) == 80

    def test_two_periods_with_a_gap_add_up(self):
        periods = [(days_ago(500), days_ago(400)), (days_ago(200), days_ago(100))]
        assert scoring.covered_days(periods, TODAY) == 200


class TestArchiveYears:
    @pytest.mark.parametrize(
        ("days", "points"),
        [(0, 0), (364, 0), (365, 20), (729, 20), (730, 40), (1095, 60)],
    )
    def test_twenty_points_per_full_year(self, days, points):
        assert scoring.archive_year_points(days) == points

    @pytest.mark.parametrize(("first", "points"), [(182, 0), (183, 20), (547, 20), (548, 40)])
    def test_across_two_periods_with_a_gap(self, first, points):
        # first period: `first` days, then a 30-day gap, then a second period of 182 days
        # that ended yesterday: 364/365/729/730 days in all.
        second_start = days_ago(182)
        gap_end = second_start - timedelta(days=30)
        periods = [(gap_end - timedelta(days=first), gap_end), (second_start, TODAY)]
        assert scoring.covered_days(periods, TODAY) == first + 182
        assert scoring.archive_year_points(scoring.covered_days(periods, TODAY)) == points


class TestCertificates:
    @pytest.mark.parametrize(("tax", "points"), [(0, 0), (1, 5), (2, 5), (5, 5)])
    def test_tax_certificates_five_each_at_most_five(self, tax, points):
        assert scoring.certificate_points(tax=tax) == points

    @pytest.mark.parametrize(("other", "points"), [(1, 2), (4, 8), (5, 10), (6, 10), (20, 10)])
    def test_other_certificates_two_each_at_most_ten(self, other, points):
        assert scoring.certificate_points(other=other) == points

    def test_both_caps_together(self):
        assert scoring.certificate_points(tax=2, other=6) == 15

    def test_licence_product_and_other_share_one_cap(self):
        breakdown = scoring.score_breakdown(
            verified=False,
            periods=[],
            today=TODAY,
            review_counts={},
            verified_certificates={"licence": 2, "product": 2, "other": 2, "tax": 2},
        )
        assert breakdown.certificates == 15


class TestReviewsAndTotal:
    def test_rating_points(self):
        assert scoring.review_points(positive=1) == 2
        assert scoring.review_points(neutral=3) == 0
        assert scoring.review_points(negative=1) == -2

    def test_score_has_no_floor(self):
        breakdown = scoring.score_breakdown(
            verified=False,
            periods=[],
            today=TODAY,
            review_counts={"negative": 3},
            verified_certificates={},
        )
        assert breakdown.total == -6

    def test_verification_points(self):
        assert scoring.verification_points(True) == 10
        assert scoring.verification_points(False) == 0

    def test_total_is_the_sum_of_the_parts(self):
        breakdown = scoring.score_breakdown(
            verified=True,
            periods=[(days_ago(800), TODAY)],
            today=TODAY,
            review_counts={"positive": 3, "neutral": 1, "negative": 1},
            verified_certificates={"tax": 1, "product": 1},
        )
        assert breakdown.as_dict() == {
            "verification": 10,
            "archive_years": 40,
            "reviews": 4,
            "certificates": 7,
        }
        assert breakdown.total == 61


# R-C4 for every order state and rating (issue 14): the whole table.
REVIEW_TABLE = {
    # (status, ever paid): {rating: code}
    ("created", False): dict.fromkeys(("positive", "neutral", "negative"), "trade_not_paid"),
    ("expired", False): dict.fromkeys(("positive", "neutral", "negative"), "trade_not_paid"),
    ("cancelled", False): dict.fromkeys(("positive", "neutral", "negative"), "trade_not_paid"),
    ("paid", True): dict.fromkeys(("positive", "neutral", "negative"), "trade_in_progress"),
    ("shipped", True): dict.fromkeys(("positive", "neutral", "negative"), "trade_in_progress"),
    ("disputed", True): dict.fromkeys(("positive", "neutral", "negative"), "trade_in_progress"),
    ("completed", True): {"positive": None, "neutral": None, "negative": None},
    ("refunded", True): {"positive": "rating_not_allowed", "neutral": None, "negative": None},
    ("cancelled", True): {"positive": "rating_not_allowed", "neutral": None, "negative": None},
}


class TestReviewRefusal:
    base = {
        "is_party": True,
        "own_company": False,
        "reviewer_trustpass": True,
        "reviewee_trustpass": True,
        "order_status": "completed",
        "rating": "positive",
        "already_reviewed": False,
    }

    def refusal(self, **changes):
        return review_refusal(**{**self.base, **changes})

    def test_allowed(self):
        assert self.refusal() is None

    def test_each_refusal(self):
        assert self.refusal(is_party=False) == "not_a_party"
        assert self.refusal(own_company=True) == "self_review"
        assert self.refusal(reviewer_trustpass=False) == "trustpass_required"
        assert self.refusal(reviewee_trustpass=False) == "trustpass_required"
        assert self.refusal(order_status="created") == "trade_not_paid"
        assert self.refusal(order_status="paid") == "trade_in_progress"
        assert self.refusal(order_status="refunded") == "rating_not_allowed"
        assert self.refusal(rating="excellent") == "rating_not_allowed"
        assert self.refusal(already_reviewed=True) == "already_reviewed"

    @pytest.mark.parametrize(("status", "paid"), [("refunded", True), ("cancelled", True)])
    @pytest.mark.parametrize("rating", ["neutral", "negative"])
    def test_unsuccessful_paid_trade_allows_neutral_and_negative(self, status, paid, rating):
        assert self.refusal(order_status=status, rating=rating, paid=paid) is None
        assert (
            self.refusal(order_status=status, rating="positive", paid=paid) == "rating_not_allowed"
        )

    def test_non_party_is_refused_first(self):
        assert (
            self.refusal(is_party=False, reviewer_trustpass=False, order_status="created")
            == "not_a_party"
        )

    def test_allowed_ratings(self):
        assert allowed_ratings("completed") == ("positive", "neutral", "negative")
        assert allowed_ratings("refunded") == ("neutral", "negative")
        assert allowed_ratings("cancelled", paid=True) == ("neutral", "negative")
        for status in ("created", "expired", "cancelled", "paid", "shipped", "disputed"):
            assert allowed_ratings(status) == ()

    @pytest.mark.parametrize(
        ("state", "rating"), [(k, r) for k in REVIEW_TABLE for r in REVIEW_TABLE[k]]
    )
    def test_every_state_and_rating(self, state, rating):
        status, paid = state
        assert (
            self.refusal(order_status=status, paid=paid, rating=rating)
            == (REVIEW_TABLE[state][rating])
        )

    def test_in_progress_comes_before_already_reviewed_and_rating(self):
        # A review left under the old rule must not turn in-progress into already_reviewed.
        assert (
            self.refusal(order_status="shipped", rating="excellent", already_reviewed=True)
            == "trade_in_progress"
        )
