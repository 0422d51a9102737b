"""Pure rules of the credit score (R-C2–R-C6): functions of plain values, no database.

`credit.services.credit_recalculate` feeds them one company's sources; the nightly job
(`credit.services.credit_recalculate_all`) states the same rules in SQL, and a test checks
that both agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date

from members.rules import membership_days

# R-C2: an approved identity verification is worth 10 points; revoked, they go.
VERIFICATION_POINTS = 10

# R-C3: 20 points for each full year (365 days) of TrustPass membership.
ARCHIVE_YEAR_POINTS = 20
DAYS_PER_ARCHIVE_YEAR = 365

# R-C4: positive +2, neutral 0, negative −2.
RATING_POINTS = {"positive": 2, "neutral": 0, "negative": -2}

# R-C5: tax registration certificates 5 each, at most 5 in all; licence, product and other
# certificates 2 each, at most 10 in all for the three kinds together.
TAX_CERTIFICATE_POINTS = 5
TAX_CERTIFICATE_CAP = 5
OTHER_CERTIFICATE_POINTS = 2
OTHER_CERTIFICATE_CAP = 10
TAX_KIND = "tax"
OTHER_KINDS = ("licence", "product", "other")


def verification_points(verified: bool) -> int:
    """R-C2: +10 while the company's identity verification stands, else 0."""
    return VERIFICATION_POINTS if verified else 0


def covered_days(periods: Iterable[tuple[date, date]], today: date) -> int:
    """R-C3: days covered by TrustPass periods up to today, overlaps counted once.

    Periods are [starts_on, ends_on) (R-M2); only days before `today` count, so a period
    that started exactly 365 days ago has covered 365 days: the first year is complete on
    its anniversary. The same count gives the company page its 诚信通第 N 年 (members.rules).
    """
    return membership_days(periods, today)


def archive_year_points(days: int) -> int:
    """R-C3: 20 × floor(d / 365): 0 in the first year, 20 after one full year, 40 after two."""
    return ARCHIVE_YEAR_POINTS * (max(days, 0) // DAYS_PER_ARCHIVE_YEAR)


def review_points(*, positive: int = 0, neutral: int = 0, negative: int = 0) -> int:
    """R-C4: the sum of the ratings a company received (no floor, R-C6)."""
    return (
        RATING_POINTS["positive"] * positive
        + RATING_POINTS["neutral"] * neutral
        + RATING_POINTS["negative"] * negative
    )


def certificate_points(*, tax: int = 0, other: int = 0) -> int:
    """R-C5: points of *verified* certificates: `tax` tax registration certificates and
    `other` licence, product and other certificates, each group under its cap."""
    return min(TAX_CERTIFICATE_CAP, TAX_CERTIFICATE_POINTS * tax) + min(
        OTHER_CERTIFICATE_CAP, OTHER_CERTIFICATE_POINTS * other
    )


@dataclass(frozen=True)
class Breakdown:
    """R-C6: the four parts of the score; references earn nothing."""

    verification: int = 0
    archive_years: int = 0
    reviews: int = 0
    certificates: int = 0

    @property
    def total(self) -> int:
        return self.verification + self.archive_years + self.reviews + self.certificates

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def score_breakdown(
    *,
    verified: bool,
    periods: Iterable[tuple[date, date]],
    today: date,
    review_counts: dict[str, int],
    verified_certificates: dict[str, int],
) -> Breakdown:
    """R-C6: score = verification + archive years + reviews + certificates, no floor.

    `review_counts` maps a rating to how many reviews the company received with it;
    `verified_certificates` maps a certificate kind to how many verified ones it has.
    """
    return Breakdown(
        verification=verification_points(verified),
        archive_years=archive_year_points(covered_days(periods, today)),
        reviews=review_points(
            positive=review_counts.get("positive", 0),
            neutral=review_counts.get("neutral", 0),
            negative=review_counts.get("negative", 0),
        ),
        certificates=certificate_points(
            tax=verified_certificates.get(TAX_KIND, 0),
            other=sum(verified_certificates.get(k, 0) for k in OTHER_KINDS),
        ),
    )
