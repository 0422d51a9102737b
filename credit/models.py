"""The credit archive (诚信档案, R-C1–R-C7): reviews, certificates, references and the score.

`members.Company.credit_score` is the denormalised total shown everywhere; `CreditScore`
holds its breakdown (R-C6) and `ScoreHistory` every change (R-C7). Both are written only by
`credit.services.credit_recalculate` / `credit_recalculate_all`.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from members.models import Company


class Rating(models.TextChoices):
    """R-C4: the three ratings of a review."""

    POSITIVE = "positive", _("好评")
    NEUTRAL = "neutral", _("中评")
    NEGATIVE = "negative", _("差评")


class Review(models.Model):
    """R-C4: one party's review of the other after an escrow trade."""

    order = models.ForeignKey(
        "trade.Order", on_delete=models.PROTECT, related_name="reviews", verbose_name=_("交易")
    )
    reviewer = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="reviews_given", verbose_name=_("评价方")
    )
    reviewee = models.ForeignKey(
        Company,
        on_delete=models.PROTECT,
        related_name="reviews_received",
        verbose_name=_("被评价方"),
    )
    rating = models.CharField(_("评价"), max_length=10, choices=Rating.choices)
    comment = models.TextField(_("评价内容"), max_length=500, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("填写人"),
    )
    created_at = models.DateTimeField(_("评价时间"), auto_now_add=True)
    # R-C4 (issue 14): a review left before the rule was put right (e.g. while the trade was
    # still paid or shipped) is kept but flagged for staff (migration credit 0002).
    flagged = models.BooleanField(_("待客服核查"), default=False, db_index=True)
    flag_reason = models.CharField(_("核查原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("会员评价")
        verbose_name_plural = _("会员评价")
        ordering = ["-created_at", "-id"]
        constraints = [
            # R-C4: each side reviews the other once per trade; the database is the guard.
            models.UniqueConstraint(
                fields=["order", "reviewer"], name="review_once_per_order_and_reviewer"
            ),
            # R-C4: no one reviews their own company.
            models.CheckConstraint(
                condition=~Q(reviewer=F("reviewee")), name="review_not_own_company"
            ),
            models.CheckConstraint(
                condition=Q(rating__in=[r.value for r in Rating]), name="review_rating_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["reviewee", "rating"], name="review_reviewee_rating"),
            models.Index(fields=["reviewee", "-created_at"], name="review_reviewee_recent"),
            models.Index(fields=["reviewer"], name="review_reviewer"),
        ]

    def __str__(self) -> str:
        return gettext("%(reviewer)s → %(reviewee)s：%(rating)s") % {
            "reviewer": self.reviewer.member_id,
            "reviewee": self.reviewee.member_id,
            "rating": self.get_rating_display(),
        }


class Certificate(models.Model):
    """R-C5: a certificate or honour with its image (≤ 1 MB); counts once staff verified it."""

    class Kind(models.TextChoices):
        TAX = "tax", _("税务登记证")
        LICENCE = "licence", _("营业执照等资质证书")
        PRODUCT = "product", _("产品证书")
        OTHER = "other", _("其他证书荣誉")

    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        VERIFIED = "verified", _("已核实")
        REJECTED = "rejected", _("未通过")

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="certificates", verbose_name=_("企业")
    )
    kind = models.CharField(_("证书类型"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("证书名称"), max_length=100)
    image = models.FileField(_("证书图片"), upload_to="certificates/%Y/%m/")
    thumbnail = models.FileField(_("缩略图"), upload_to="certificates/thumbs/%Y/%m/", blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    reject_reason = models.CharField(_("未通过原因"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("上传人"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("审核人"),
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("证书荣誉")
        verbose_name_plural = _("证书荣誉")
        ordering = ["-created_at", "-id"]
        permissions = [("verify_certificate", _("可以核实或驳回证书"))]
        indexes = [
            models.Index(fields=["company", "status", "kind"], name="cert_company_status_kind"),
        ]

    def __str__(self) -> str:
        return gettext("%(title)s（%(kind)s）") % {
            "title": self.title,
            "kind": self.get_kind_display(),
        }


class CreditReference(models.Model):
    """R-C1 (4): a reference person or firm named by the company (资信参考). No points (R-C6)."""

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="credit_references", verbose_name=_("企业")
    )
    name = models.CharField(_("姓名"), max_length=50)
    firm = models.CharField(_("单位"), max_length=100)
    relation = models.CharField(_("与本企业关系"), max_length=50)
    contact = models.CharField(_("联系方式"), max_length=100)
    created_at = models.DateTimeField(_("添加时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("资信参考人")
        verbose_name_plural = _("资信参考人")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return gettext("%(name)s（%(firm)s）") % {"name": self.name, "firm": self.firm}


class CreditScore(models.Model):
    """R-C6: the stored breakdown of a company's score; total equals Company.credit_score."""

    company = models.OneToOneField(
        Company,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="credit_breakdown",
        verbose_name=_("企业"),
    )
    verification = models.IntegerField(_("身份认证"), default=0)
    archive_years = models.IntegerField(_("档案年限"), default=0)
    reviews = models.IntegerField(_("会员评价"), default=0)
    certificates = models.IntegerField(_("证书荣誉"), default=0)
    total = models.IntegerField(_("信用积分"), default=0)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("信用积分明细")
        verbose_name_plural = _("信用积分明细")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    total=F("verification") + F("archive_years") + F("reviews") + F("certificates")
                ),
                name="credit_score_total_is_sum",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company_id}: {self.total}"

    def as_dict(self) -> dict[str, int]:
        return {
            "verification": self.verification,
            "archive_years": self.archive_years,
            "reviews": self.reviews,
            "certificates": self.certificates,
        }


class ScoreHistory(models.Model):
    """R-C7: one row per recomputation that changed the score."""

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="score_history", verbose_name=_("企业")
    )
    old_score = models.IntegerField(_("原积分"))
    new_score = models.IntegerField(_("新积分"))
    breakdown = models.JSONField(_("明细"), default=dict)
    cause = models.CharField(_("原因"), max_length=100)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("积分变动记录")
        verbose_name_plural = _("积分变动记录")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["company", "-created_at"], name="score_history_recent")]

    def __str__(self) -> str:
        return f"{self.company_id}: {self.old_score} → {self.new_score}（{self.cause}）"


class PendingRecalculation(models.Model):
    """R-C7 outbox: written in the same transaction as the event that touched a source.

    The Celery task deletes it once the recomputation has committed; a marker left behind
    (lost message, worker killed mid-task) is picked up again by the sweep that runs when a
    worker starts and every minute from beat. `version` grows with every new event, so a task
    deletes only the markers whose events it has seen.
    """

    company = models.OneToOneField(
        Company,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
        verbose_name=_("企业"),
    )
    cause = models.CharField(_("原因"), max_length=100)
    version = models.BigIntegerField(default=1)
    requested_at = models.DateTimeField(_("请求时间"))

    class Meta:
        verbose_name = _("待重算积分")
        verbose_name_plural = _("待重算积分")

    def __str__(self) -> str:
        return f"{self.company_id}（{self.cause}）"
