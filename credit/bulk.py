"""R-C7 nightly: the score rules of `credit.scoring` stated once more in set-based SQL.

One chunk of company ids is recomputed by two statements: one locks the companies (so a
per-company task cannot interleave), the other computes every part of every company's score
from its sources and writes the totals, breakdowns and history rows in one go (data-modifying
CTEs). PostgreSQL only (`range_agg` merges overlapping TrustPass periods, R-C3).
`tests/credit/test_bulk.py` checks that it agrees with the per-company service.
"""

from __future__ import annotations

from datetime import date

from django.db import connection
from django.utils import timezone

from members.models import Company, TrustPassPeriod

from . import scoring
from .models import Certificate, CreditScore, Review, ScoreHistory

LOCK_SQL = """
SELECT count(*) FROM (
    SELECT id FROM {company} WHERE id BETWEEN %(lo)s AND %(hi)s ORDER BY id FOR NO KEY UPDATE
) AS locked
"""

RECALCULATE_SQL = """
WITH years AS (
    -- R-C3: days covered up to today, overlapping periods merged once (range_agg).
    SELECT m.company_id, SUM(upper(x) - lower(x)) AS days
    FROM (
        SELECT company_id,
               range_agg(daterange(starts_on, LEAST(ends_on, %(today)s::date))) AS covered
        FROM {period}
        WHERE company_id BETWEEN %(lo)s AND %(hi)s AND starts_on < %(today)s::date
        GROUP BY company_id
    ) AS m
    CROSS JOIN LATERAL unnest(m.covered) AS x
    GROUP BY m.company_id
), reviews AS (
    -- R-C4: positive +2, neutral 0, negative -2.
    SELECT reviewee_id AS company_id,
           SUM(CASE rating WHEN 'positive' THEN %(positive)s
                           WHEN 'negative' THEN %(negative)s ELSE 0 END) AS points
    FROM {review}
    WHERE reviewee_id BETWEEN %(lo)s AND %(hi)s
    GROUP BY reviewee_id
), certificates AS (
    -- R-C5: verified certificates only; tax 5 each up to 5, the other kinds 2 each up to 10.
    SELECT company_id,
           count(*) FILTER (WHERE kind = %(tax_kind)s) AS tax,
           count(*) FILTER (WHERE kind = ANY(%(other_kinds)s)) AS other
    FROM {certificate}
    WHERE status = 'verified' AND company_id BETWEEN %(lo)s AND %(hi)s
    GROUP BY company_id
), parts AS (
    SELECT c.id AS company_id,
           c.credit_score AS old,
           CASE WHEN c.verified THEN %(verification)s ELSE 0 END AS verification,
           %(year_points)s * (COALESCE(y.days, 0) / %(year_days)s) AS archive_years,
           COALESCE(r.points, 0) AS reviews,
           LEAST(%(tax_cap)s, %(tax_points)s * COALESCE(ce.tax, 0))
             + LEAST(%(other_cap)s, %(other_points)s * COALESCE(ce.other, 0)) AS certificates
    FROM {company} AS c
    LEFT JOIN years AS y ON y.company_id = c.id
    LEFT JOIN reviews AS r ON r.company_id = c.id
    LEFT JOIN certificates AS ce ON ce.company_id = c.id
    WHERE c.id BETWEEN %(lo)s AND %(hi)s
), totals AS (
    -- R-C6: the sum of the four parts, no floor.
    SELECT *, verification + archive_years + reviews + certificates AS total FROM parts
), history AS (
    -- R-C7: a history row only where the score changes.
    INSERT INTO {history} (company_id, old_score, new_score, breakdown, cause, created_at)
    SELECT company_id, old, total,
           jsonb_build_object('verification', verification, 'archive_years', archive_years,
                              'reviews', reviews, 'certificates', certificates),
           %(cause)s, %(now)s
    FROM totals WHERE total <> old
    RETURNING 1
), changed AS (
    UPDATE {company} AS c SET credit_score = t.total
    FROM totals AS t
    WHERE c.id = t.company_id AND c.credit_score <> t.total
    RETURNING 1
), stored AS (
    INSERT INTO {score} (company_id, verification, archive_years, reviews, certificates,
                         total, updated_at)
    SELECT company_id, verification, archive_years, reviews, certificates, total, %(now)s
    FROM totals
    ON CONFLICT (company_id) DO UPDATE SET
        verification = excluded.verification,
        archive_years = excluded.archive_years,
        reviews = excluded.reviews,
        certificates = excluded.certificates,
        total = excluded.total,
        updated_at = excluded.updated_at
    WHERE ({score}.verification, {score}.archive_years, {score}.reviews, {score}.certificates)
          IS DISTINCT FROM
          (excluded.verification, excluded.archive_years, excluded.reviews, excluded.certificates)
    RETURNING 1
)
SELECT (SELECT count(*) FROM totals), (SELECT count(*) FROM changed),
       (SELECT count(*) FROM history), (SELECT count(*) FROM stored)
"""


def _tables() -> dict[str, str]:
    return {
        "company": Company._meta.db_table,
        "period": TrustPassPeriod._meta.db_table,
        "review": Review._meta.db_table,
        "certificate": Certificate._meta.db_table,
        "score": CreditScore._meta.db_table,
        "history": ScoreHistory._meta.db_table,
    }


def recalculate_id_range(*, lo: int, hi: int, today: date, cause: str) -> dict[str, int]:
    """Recompute companies lo ≤ id ≤ hi. Call inside a transaction (the locks last until it
    ends). Returns counts: companies, changed, history, stored."""
    tables = _tables()
    params = {
        "lo": lo,
        "hi": hi,
        "today": today,
        "now": timezone.now(),
        "cause": cause[:100],
        "positive": scoring.RATING_POINTS["positive"],
        "negative": scoring.RATING_POINTS["negative"],
        "tax_kind": scoring.TAX_KIND,
        "other_kinds": list(scoring.OTHER_KINDS),
        "verification": scoring.VERIFICATION_POINTS,
        "year_points": scoring.ARCHIVE_YEAR_POINTS,
        "year_days": scoring.DAYS_PER_ARCHIVE_YEAR,
        "tax_cap": scoring.TAX_CERTIFICATE_CAP,
        "tax_points": scoring.TAX_CERTIFICATE_POINTS,
        "other_cap": scoring.OTHER_CERTIFICATE_CAP,
        "other_points": scoring.OTHER_CERTIFICATE_POINTS,
    }
    with connection.cursor() as cursor:
        # Locks first, computation second: under READ COMMITTED the second statement takes a
        # fresh snapshot, so it sees every event committed before the locks were granted.
        cursor.execute(LOCK_SQL.format(**tables), params)
        cursor.execute(RECALCULATE_SQL.format(**tables), params)
        companies, changed, history, stored = cursor.fetchone()
    return {"companies": companies, "changed": changed, "history": history, "stored": stored}
