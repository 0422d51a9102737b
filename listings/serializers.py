"""Input and output serializers of the Listings API (API.md, section Listings)."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from members import privileges

from .models import BrandTerm, Category, Listing, ListingCheck, ListingImage, ProhibitedTerm
from .review import checks

# --- input ------------------------------------------------------------------------------------


class PriceTierSerializer(serializers.Serializer):
    min_qty = serializers.IntegerField(min_value=1)
    price = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)


class ListingInputSerializer(serializers.Serializer):
    """POST /api/v1/listings/ and PATCH /api/v1/listings/{id}/ (partial)."""

    kind = serializers.ChoiceField(choices=Listing.Kind.choices, default=Listing.Kind.SUPPLY)
    title = serializers.CharField(max_length=60)
    keyword = serializers.CharField(max_length=30)
    category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.all())
    description = serializers.CharField()
    brand = serializers.CharField(max_length=50, required=False, allow_blank=True)
    model = serializers.CharField(max_length=50, required=False, allow_blank=True)
    spec = serializers.CharField(max_length=100, required=False, allow_blank=True)
    unit = serializers.CharField(max_length=10, required=False, default="件")
    min_order = serializers.IntegerField(min_value=1, required=False, default=1)
    price = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True
    )
    price_max = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True
    )
    price_tiers = PriceTierSerializer(many=True, required=False)
    fixed_price = serializers.BooleanField(required=False, default=False)
    supports_escrow = serializers.BooleanField(required=False, default=False)
    province = serializers.CharField(max_length=20, required=False, allow_blank=True)
    city = serializers.CharField(max_length=30, required=False, allow_blank=True)
    validity_days = serializers.ChoiceField(
        choices=Listing.Validity.choices, required=False, default=Listing.Validity.MONTH
    )
    contact_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    contact_phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    contact_email = serializers.EmailField(required=False, allow_blank=True)

    def to_service_values(self) -> dict:
        values = dict(self.validated_data)
        if "price_tiers" in values:
            values["price_tiers"] = [
                {"min_qty": t["min_qty"], "price": str(t["price"])} for t in values["price_tiers"]
            ]
        return values


class ListingRejectInputSerializer(serializers.Serializer):
    codes = serializers.ListField(
        child=serializers.ChoiceField(choices=[*checks.CHECK_CODES, "other"]), allow_empty=False
    )
    detail = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class ListingImageInputSerializer(serializers.Serializer):
    image = serializers.FileField()


class ListingTermInputSerializer(serializers.Serializer):
    term = serializers.CharField(max_length=50)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


# --- output -----------------------------------------------------------------------------------


class RejectionReasonSerializer(serializers.Serializer):
    """One reason a listing was refused (API.md: `rejection_reasons: [{code, detail, rule}]`)."""

    code = serializers.CharField()
    detail = serializers.CharField()
    rule = serializers.CharField(allow_null=True)


@extend_schema_field(RejectionReasonSerializer(many=True))
class RejectionReasonsField(serializers.JSONField):
    """The stored list of reasons, given as it is."""


@extend_schema_field(PriceTierSerializer(many=True))
class PriceTiersField(serializers.JSONField):
    """The stored price tiers, given as they are (`price` a decimal string)."""


class ListingStatusSerializer(serializers.Serializer):
    """What creating, submitting, withdrawing and approving a listing answer."""

    id = serializers.IntegerField(source="pk")
    status = serializers.ChoiceField(choices=Listing.Status.choices)


class ListingRejectedSerializer(ListingStatusSerializer):
    rejection_reasons = RejectionReasonsField()


class ListingRefreshedSerializer(serializers.Serializer):
    """R-L2: a refresh moves the publication time."""

    id = serializers.IntegerField(source="pk")
    published_at = serializers.DateTimeField()


def _absolute(request, url: str) -> str:
    return request.build_absolute_uri(url) if request is not None else url


class CategorySerializer(serializers.ModelSerializer):
    path = serializers.SerializerMethodField()

    class Meta:
        model = Category
        fields = ["id", "name", "slug", "parent", "path"]

    def get_path(self, obj) -> str:
        return str(obj)


class CategoryTreeSerializer(serializers.ModelSerializer):
    children = CategorySerializer(many=True, read_only=True)

    class Meta:
        model = Category
        fields = ["id", "name", "slug", "children"]


class ListingImageSerializer(serializers.ModelSerializer):
    """R-L5: `url`, `width`… describe the 200×200 display image; `large_*` the gallery's
    large version (issue 15; an image stored before it has the display image there)."""

    url = serializers.SerializerMethodField()
    large_url = serializers.SerializerMethodField()
    large_width = serializers.SerializerMethodField()
    large_height = serializers.SerializerMethodField()

    class Meta:
        model = ListingImage
        fields = [
            "id",
            "url",
            "width",
            "height",
            "format",
            "bytes",
            "position",
            "large_url",
            "large_width",
            "large_height",
        ]

    def get_url(self, obj) -> str:
        return _absolute(self.context.get("request"), obj.image.url)

    def get_large_url(self, obj) -> str:
        return _absolute(self.context.get("request"), obj.large_url)

    def get_large_width(self, obj) -> int:
        return obj.large_size[0]

    def get_large_height(self, obj) -> int:
        return obj.large_size[1]


class ListingImageOrderSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(min_value=1), max_length=50)


class ListingCheckSerializer(serializers.ModelSerializer):
    class Meta:
        model = ListingCheck
        fields = ["code", "passed", "detail", "rule"]


class ListingCompanySerializer(serializers.Serializer):
    member_id = serializers.CharField()
    name = serializers.CharField()
    is_trustpass = serializers.BooleanField()
    verified = serializers.BooleanField()
    credit_score = serializers.IntegerField()


class ListingContactSerializer(serializers.Serializer):
    name = serializers.CharField()
    phone = serializers.CharField()
    email = serializers.CharField()


class ReviewQueueCompanySerializer(serializers.Serializer):
    member_id = serializers.CharField()
    name = serializers.CharField()
    is_trustpass = serializers.BooleanField()


class ListingSerializer(serializers.ModelSerializer):
    """GET /api/v1/listings/{id}/ (owner and staff also see checks and review times)."""

    category = CategorySerializer(read_only=True)
    images = serializers.SerializerMethodField()
    image_details = serializers.SerializerMethodField()
    company = serializers.SerializerMethodField()
    contact = serializers.SerializerMethodField()
    contact_masked = serializers.SerializerMethodField()
    checks = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()
    price_tiers = PriceTiersField(read_only=True)
    rejection_reasons = RejectionReasonsField(read_only=True)
    # Only the owner and staff get these (to_representation below).
    optional_fields = ("rejection_reasons", "checks", "submitted_at", "review_deadline")

    class Meta:
        model = Listing
        fields = [
            "id",
            "kind",
            "title",
            "keyword",
            "category",
            "description",
            "brand",
            "model",
            "spec",
            "unit",
            "min_order",
            "price",
            "price_max",
            "price_tiers",
            "fixed_price",
            "supports_escrow",
            "province",
            "city",
            "validity_days",
            "status",
            "rejection_reasons",
            "checks",
            "submitted_at",
            "review_deadline",
            "published_at",
            "first_published_at",
            "refreshed_at",
            "expires_at",
            "images",
            "image_details",
            "company",
            "contact",
            "contact_masked",
            "url",
            "created_at",
            "updated_at",
        ]

    def _viewer(self):
        request = self.context.get("request")
        return getattr(request, "user", None)

    def _privileged(self, obj) -> bool:
        user = self._viewer()
        if user is None or not user.is_authenticated:
            return False
        return bool(user.is_staff) or user.company_id == obj.company_id

    def _images(self, obj):
        return list(obj.images.all())

    def get_images(self, obj) -> list[str]:
        request = self.context.get("request")
        return [_absolute(request, img.image.url) for img in self._images(obj)]

    @extend_schema_field(ListingImageSerializer(many=True))
    def get_image_details(self, obj) -> list[dict]:
        return ListingImageSerializer(self._images(obj), many=True, context=self.context).data

    @extend_schema_field(ListingCompanySerializer)
    def get_company(self, obj) -> dict:
        c = obj.company
        return {
            "member_id": c.member_id,
            "name": c.name,
            "is_trustpass": privileges.is_trustpass(c),
            "verified": c.verified,
            "credit_score": c.credit_score,
        }

    def _sees_contact(self, obj) -> bool:
        """R-M3.1: a demand listing's contacts only for TrustPass members (and the owner)."""
        if obj.kind != Listing.Kind.DEMAND:
            return False
        if self._privileged(obj):
            return True
        user = self._viewer()
        return bool(
            user is not None
            and user.is_authenticated
            and privileges.can_see_buy_lead_contacts(user.company)
        )

    @extend_schema_field(ListingContactSerializer(allow_null=True))
    def get_contact(self, obj) -> dict | None:
        if not self._sees_contact(obj):
            return None
        return {"name": obj.contact_name, "phone": obj.contact_phone, "email": obj.contact_email}

    def get_contact_masked(self, obj) -> bool:
        return obj.kind == Listing.Kind.DEMAND and not self._sees_contact(obj)

    @extend_schema_field(ListingCheckSerializer(many=True))
    def get_checks(self, obj) -> list[dict] | None:
        if not self._privileged(obj):
            return None
        return ListingCheckSerializer(obj.checks.all(), many=True).data

    def get_url(self, obj) -> str:
        return _absolute(self.context.get("request"), f"/listings/{obj.pk}/")

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not self._privileged(instance):
            for key in self.optional_fields:
                data.pop(key, None)
        return data


class ListingSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Listing
        fields = [
            "id",
            "kind",
            "title",
            "keyword",
            "status",
            "price",
            "unit",
            "published_at",
            "expires_at",
            "updated_at",
        ]


class ReviewQueueItemSerializer(serializers.ModelSerializer):
    """GET /api/v1/staff/review-queue/: pending listings with checks and deadline."""

    deadline = serializers.DateTimeField(source="review_deadline")
    overdue = serializers.SerializerMethodField()
    checks = serializers.SerializerMethodField()
    company = serializers.SerializerMethodField()
    category = serializers.SerializerMethodField()

    class Meta:
        model = Listing
        fields = [
            "id",
            "kind",
            "title",
            "keyword",
            "category",
            "company",
            "submitted_at",
            "deadline",
            "overdue",
            "checks",
        ]

    def get_overdue(self, obj) -> bool:
        return bool(obj.review_deadline and obj.review_deadline < timezone.now())

    @extend_schema_field(ListingCheckSerializer(many=True))
    def get_checks(self, obj) -> list[dict]:
        return [
            {"code": c.code, "passed": c.passed, "detail": c.detail, "rule": c.rule}
            for c in obj.checks.all()
        ]

    @extend_schema_field(ReviewQueueCompanySerializer)
    def get_company(self, obj) -> dict:
        return {
            "member_id": obj.company.member_id,
            "name": obj.company.name,
            "is_trustpass": privileges.is_trustpass(obj.company),
        }

    def get_category(self, obj) -> str:
        return str(obj.category)


class ProhibitedTermSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProhibitedTerm
        fields = ["id", "term", "note", "created_at"]


class BrandTermSerializer(serializers.ModelSerializer):
    class Meta:
        model = BrandTerm
        fields = ["id", "term", "note", "created_at"]
