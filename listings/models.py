from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from members.models import Company

from .search_fields import SignatureField, TsVectorField
from .units import unit_label


class Category(models.Model):
    """Two-level trade category tree (冶金矿产 › 钢管), editable by staff."""

    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("上级类目"),
    )
    name = models.CharField(_("类目名称"), max_length=50)
    slug = models.SlugField(_("网址标识"), max_length=60, unique=True)
    position = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("类目")
        verbose_name_plural = _("类目")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"], name="category_unique_name_in_parent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.parent.name} › {self.name}" if self.parent_id else self.name


class ListingQuerySet(models.QuerySet):
    def live(self):
        return self.filter(status=Listing.Status.LIVE)

    def pending(self):
        return self.filter(status=Listing.Status.PENDING_REVIEW)

    def owned_by(self, company):
        return self.filter(company=company)


class Listing(models.Model):
    """A supply (供应) or demand (求购) listing, R-L1, with its lifecycle R-L2."""

    class Kind(models.TextChoices):
        SUPPLY = "supply", _("供应")
        DEMAND = "demand", _("求购")

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PENDING_REVIEW = "pending_review", _("审核中")
        LIVE = "live", _("已上网")
        REJECTED = "rejected", _("未通过")
        EXPIRED = "expired", _("已过期")
        WITHDRAWN = "withdrawn", _("已下架")

    class Validity(models.IntegerChoices):
        WEEK = 7, _("7 天")
        MONTH = 30, _("30 天")
        QUARTER = 90, _("90 天")

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="listings", verbose_name=_("企业")
    )
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.SUPPLY)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    title = models.CharField(_("产品名称"), max_length=60)
    keyword = models.CharField(_("产品关键字"), max_length=30)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="listings", verbose_name=_("类目")
    )
    description = models.TextField(_("详细说明"))
    brand = models.CharField(_("品牌"), max_length=50, blank=True)
    model = models.CharField(_("型号"), max_length=50, blank=True)
    spec = models.CharField(_("规格"), max_length=100, blank=True)
    unit = models.CharField(_("计量单位"), max_length=10, default="件")
    min_order = models.PositiveIntegerField(_("最小起订量"), default=1)
    price = models.DecimalField(
        _("单价（元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    price_max = models.DecimalField(
        _("最高价（元）"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("填写则表示价格区间。"),
    )
    # [{"min_qty": 1, "price": "12.00"}, {"min_qty": 100, "price": "10.00"}]
    price_tiers = models.JSONField(_("阶梯价格"), default=list, blank=True)
    fixed_price = models.BooleanField(_("一口价"), default=False)
    supports_escrow = models.BooleanField(_("支持支付宝"), default=False)
    province = models.CharField(_("省份"), max_length=20, blank=True)
    city = models.CharField(_("城市"), max_length=30, blank=True)
    validity_days = models.PositiveSmallIntegerField(
        _("信息有效期"), choices=Validity.choices, default=Validity.MONTH
    )
    # R-M3.1: buyer contacts of a demand listing, shown to TrustPass members only.
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    contact_email = models.EmailField(_("联系邮箱"), blank=True)

    rejection_reasons = models.JSONField(_("未通过原因"), default=list, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    review_deadline = models.DateTimeField(_("审核截止"), null=True, blank=True, db_index=True)
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("审核人"),
    )
    # R-L3: each submission is a review round; the review task of an older round is a no-op.
    review_round = models.PositiveIntegerField(_("审核轮次"), default=0)
    checked_at = models.DateTimeField(_("自动检查完成时间"), null=True, blank=True)
    rejection_emailed_round = models.PositiveIntegerField(default=0, editable=False)
    # R-L3a: the normalised title duplicates are compared on (listings.review.checks.normalise_title).
    title_key = models.CharField(max_length=120, blank=True, editable=False)
    withdrawn_at = models.DateTimeField(_("下架时间"), null=True, blank=True)
    # Publication time for ranking (R-S2 key 5): set on going live, bumped by a refresh.
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    first_published_at = models.DateTimeField(_("首次上网时间"), null=True, blank=True)
    # R-L4: when the current review round went live (a refresh does not move it).
    went_live_at = models.DateTimeField(_("本轮上网时间"), null=True, blank=True)
    refreshed_at = models.DateTimeField(_("最近重发时间"), null=True, blank=True)
    expires_at = models.DateTimeField(_("到期时间"), null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    # R-S1–R-S3: search documents and stored ranking keys, written only by
    # search.index (listing_reindex / company_reindex), never edited by hand.
    search_title = TsVectorField(null=True, blank=True, editable=False)
    search_document = TsVectorField(null=True, blank=True, editable=False)
    search_sig = SignatureField(null=True, blank=True, editable=False)
    flood_key = models.CharField(max_length=60, blank=True, default="", editable=False)
    rank_demoted = models.BooleanField(_("刷屏降权"), default=False, editable=False)
    rank_key = models.PositiveSmallIntegerField(default=0, editable=False)
    rank_valid_until = models.DateTimeField(null=True, blank=True, editable=False)
    # When search.index last wrote the columns above; a live listing whose stamp is missing
    # or older than updated_at is repaired by the search sweep (search.index_sweep).
    search_indexed_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ListingQuerySet.as_manager()

    class Meta:
        verbose_name = _("供求信息")
        verbose_name_plural = _("供求信息")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["company", "status"]),
            models.Index(fields=["kind", "status", "-published_at"]),
            models.Index(fields=["company", "title_key"], name="listing_company_title_key"),
            # The search sweep's work list: small, since a reindex takes a row out of it.
            models.Index(
                fields=["id"],
                condition=Q(status="live")
                & (
                    Q(search_indexed_at__isnull=True)
                    | Q(search_indexed_at__lt=models.F("updated_at"))
                    | Q(search_document__isnull=True)
                ),
                name="listing_search_stale",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(price_max__isnull=True)
                | Q(price__isnull=False, price_max__gte=models.F("price")),
                name="listing_price_range_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        # R-L3a: keep the duplicate-comparison key in step with the title, however saved.
        from .review.checks import normalise_title

        self.title_key = normalise_title(self.title)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "title" in update_fields:
            kwargs["update_fields"] = {*update_fields, "title_key"}
        super().save(*args, **kwargs)

    @property
    def is_live(self) -> bool:
        return self.status == self.Status.LIVE

    # The unit of measure as the reader sees it (listings.units): per unit ("¥12 / piece"),
    # after the minimum order ("100 pieces") and after any larger quantity (price tiers).
    @property
    def unit_one(self) -> str:
        return unit_label(self.unit, 1)

    @property
    def unit_moq(self) -> str:
        return unit_label(self.unit, self.min_order)

    @property
    def unit_many(self) -> str:
        return unit_label(self.unit, 2)


class ReviewQueueListing(Listing):
    """The moderation queue of the admin (R-L3, R-L4): pending listings by deadline."""

    class Meta:
        proxy = True
        verbose_name = _("待审核信息")
        verbose_name_plural = _("审核队列")


class ListingImage(models.Model):
    """A stored listing image: RGB JPEG or GIF, 200×200, under 200 KB (R-L5), with its
    large version for the gallery (longest side ≤ 1200 px; issue 15). Images of a listing
    are shown by `position` (the first on cards); `image`, `width`… describe the R-L5 file.
    """

    listing = models.ForeignKey(
        Listing, on_delete=models.CASCADE, related_name="images", verbose_name=_("信息")
    )
    image = models.FileField(_("图片"), upload_to="listings/%Y/%m/")
    width = models.PositiveSmallIntegerField(default=200)
    height = models.PositiveSmallIntegerField(default=200)
    format = models.CharField(max_length=10, default="JPEG")
    bytes = models.PositiveIntegerField(default=0)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)
    # Empty for images stored before issue 15: the gallery then shows the 200×200 file.
    large = models.FileField(_("大图"), upload_to="listings/large/%Y/%m/", blank=True)
    large_width = models.PositiveSmallIntegerField(_("大图宽度"), default=0)
    large_height = models.PositiveSmallIntegerField(_("大图高度"), default=0)
    large_bytes = models.PositiveIntegerField(_("大图字节数"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("信息图片")
        verbose_name_plural = _("信息图片")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.listing_id}#{self.position}"

    @property
    def large_url(self) -> str:
        return self.large.url if self.large else self.image.url

    @property
    def large_size(self) -> tuple[int, int]:
        return (self.large_width, self.large_height) if self.large else (self.width, self.height)


class ListingCheck(models.Model):
    """The result of one automatic check (R-L3a–e) for one review run."""

    listing = models.ForeignKey(
        Listing, on_delete=models.CASCADE, related_name="checks", verbose_name=_("信息")
    )
    code = models.CharField(_("检查项"), max_length=40)
    passed = models.BooleanField(_("通过"))
    detail = models.CharField(_("说明"), max_length=300, blank=True)
    rule = models.CharField(_("规则"), max_length=10, blank=True)
    run_at = models.DateTimeField(_("检查时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("自动检查结果")
        verbose_name_plural = _("自动检查结果")
        ordering = ["listing", "code"]
        constraints = [
            models.UniqueConstraint(fields=["listing", "code"], name="listing_check_once_per_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {gettext('通过') if self.passed else gettext('未通过')}"


class TermList(models.Model):
    term = models.CharField(_("词语"), max_length=50, unique=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("添加时间"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["term"]

    def __str__(self) -> str:
        return self.term

    def save(self, *args, **kwargs):
        self.term = self.term.strip()
        super().save(*args, **kwargs)
        _terms_changed()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        _terms_changed()
        return result


def _terms_changed() -> None:
    from .selectors import terms_changed

    terms_changed()


class ProhibitedTerm(TermList):
    """R-L3b: the staff-maintained prohibited-products list."""

    class Meta(TermList.Meta):
        verbose_name = _("禁售词")
        verbose_name_plural = _("禁售词")


class BrandTerm(TermList):
    """R-L3d: the staff-maintained brand list."""

    class Meta(TermList.Meta):
        verbose_name = _("品牌词")
        verbose_name_plural = _("品牌词")
