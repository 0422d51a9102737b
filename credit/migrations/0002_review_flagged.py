"""R-C4 put right (issue 14): reviews are allowed only once a trade is over — any rating on a
completed trade, neutral or negative on one refunded or cancelled after payment — never
while it is paid, shipped or disputed, and never on a trade that was never paid.

Reviews left under the old rule are kept (nothing is deleted, scores are unchanged) and
flagged for staff (`flagged`, with `flag_reason`; admin filter 待客服核查). A review breaks
the rule when, by its order as it stands now:
- the trade is still in progress (paid, shipped, disputed), or it was written before the
  trade was settled (before `completed_at` / `refunded_at`): left while in progress;
- the trade was never paid (created, expired, cancelled without `paid_at`);
- it is positive although the trade did not succeed (refunded, cancelled after payment).
The rule is frozen here (not imported from credit.review_rules), so this migration does
what it did when it was written. Reversing it drops the two columns and nothing else.
"""

from django.db import migrations, models

IN_PROGRESS = {"paid", "shipped", "disputed"}
PAID = {"paid", "shipped", "disputed", "completed", "refunded"}


def flag_reason(*, status, paid_at, completed_at, refunded_at, rating, created_at):
    settled_at = completed_at or refunded_at
    if status in IN_PROGRESS or (settled_at is not None and created_at < settled_at):
        return "评价时交易仍在进行（已付款/已发货/纠纷中），R-C4 要求交易结束后才能评价"
    if status not in PAID and paid_at is None:
        return "交易从未付款，R-C4 不允许评价"
    if status not in ("completed", "refunded", "cancelled"):
        return "交易状态不允许评价"
    if rating == "positive" and status != "completed":
        return "未成功的交易（退款或付款后取消）给了好评，R-C4 只允许中评或差评"
    return ""


def flag_reviews(apps, schema_editor):
    Review = apps.get_model("credit", "Review")
    rows = Review.objects.values_list(
        "pk",
        "rating",
        "created_at",
        "order__status",
        "order__paid_at",
        "order__completed_at",
        "order__refunded_at",
    ).order_by("pk")
    flagged = 0
    for pk, rating, created_at, status, paid_at, completed_at, refunded_at in rows.iterator():
        reason = flag_reason(
            status=status,
            paid_at=paid_at,
            completed_at=completed_at,
            refunded_at=refunded_at,
            rating=rating,
            created_at=created_at,
        )
        if reason:
            Review.objects.filter(pk=pk).update(flagged=True, flag_reason=reason[:200])
            flagged += 1
    if flagged:
        print(f"\n  R-C4: {flagged} existing review(s) flagged for staff (credit.Review.flagged).")


class Migration(migrations.Migration):

    dependencies = [
        ('credit', '0001_initial'),
        ('trade', '0005_order_cancel_expire_dispute'),
    ]

    operations = [
        migrations.AddField(
            model_name='review',
            name='flag_reason',
            field=models.CharField(blank=True, max_length=200, verbose_name='核查原因'),
        ),
        migrations.AddField(
            model_name='review',
            name='flagged',
            field=models.BooleanField(db_index=True, default=False, verbose_name='待客服核查'),
        ),
        migrations.RunPython(flag_reviews, migrations.RunPython.noop, elidable=True),
    ]
