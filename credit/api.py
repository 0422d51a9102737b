"""JSON API of the credit archive (API.md: Trades and reviews, Certificates, Credit archive).

Thin: each view validates input with a serializer and calls a service or a selector.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import permissions, serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.openapi import QueryChoice, errors
from marketplace.pagination import PageNumberPagination
from members.selectors import company_get_public, user_company
from trade.models import Order

from . import history_labels, selectors, services
from .exceptions import NotAParty
from .models import Certificate, CreditReference, Rating, Review, ScoreHistory

# --- serializers -----------------------------------------------------------------------------


class ReviewInputSerializer(serializers.Serializer):
    rating = serializers.ChoiceField(
        choices=Rating.choices,
        error_messages={
            "invalid_choice": _("评价只能是 positive（好评）、neutral（中评）或 negative（差评）。")
        },
    )
    comment = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class ReviewSerializer(serializers.ModelSerializer):
    order = serializers.IntegerField(source="order_id")
    reviewer = serializers.CharField(source="reviewer.member_id")
    reviewee = serializers.CharField(source="reviewee.member_id")
    rating_display = serializers.CharField(source="get_rating_display")

    class Meta:
        model = Review
        fields = [
            "id",
            "order",
            "reviewer",
            "reviewee",
            "rating",
            "rating_display",
            "comment",
            "created_at",
        ]


class CertificateInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=Certificate.Kind.choices,
        error_messages={"invalid_choice": _("证书类型只能是 tax、licence、product 或 other。")},
    )
    title = serializers.CharField(max_length=100)
    image = serializers.FileField()


class CertificateSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display")
    status_display = serializers.CharField(source="get_status_display")
    image = serializers.SerializerMethodField()
    thumbnail = serializers.SerializerMethodField()

    class Meta:
        model = Certificate
        fields = [
            "id",
            "kind",
            "kind_display",
            "title",
            "status",
            "status_display",
            "reject_reason",
            "image",
            "thumbnail",
            "created_at",
            "decided_at",
        ]

    def get_image(self, obj) -> str | None:
        return obj.image.url if obj.image else None

    def get_thumbnail(self, obj) -> str | None:
        return obj.thumbnail.url if obj.thumbnail else None


class PublicCertificateSerializer(CertificateSerializer):
    class Meta(CertificateSerializer.Meta):
        fields = ["id", "kind", "kind_display", "title", "image", "thumbnail", "decided_at"]


class ReferenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = CreditReference
        fields = ["id", "name", "firm", "relation", "contact", "created_at"]
        read_only_fields = ["id", "created_at"]


class HistorySerializer(serializers.ModelSerializer):
    at = serializers.DateTimeField(source="created_at")
    old = serializers.IntegerField(source="old_score")
    new = serializers.IntegerField(source="new_score")
    cause_label = serializers.SerializerMethodField(
        help_text="原因（中文说明，如“订单 #1 交易完成”）"
    )

    class Meta:
        model = ScoreHistory
        fields = ["at", "old", "new", "cause", "cause_label", "breakdown"]

    def get_cause_label(self, obj) -> str:
        return history_labels.cause_label(obj.cause)


class RejectInputSerializer(serializers.Serializer):
    # Blank or missing: the service's `reason_required` (R-C5).
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="驳回原因（超过 200 字的部分不保存）",
    )


class ReferenceInputSerializer(serializers.Serializer):
    """Text only; what is missing or too long is the service's to say (R-C1)."""

    name = serializers.CharField(required=False, allow_blank=True, default="")
    firm = serializers.CharField(required=False, allow_blank=True, default="")
    relation = serializers.CharField(required=False, allow_blank=True, default="")
    contact = serializers.CharField(required=False, allow_blank=True, default="")


class CertificateDecisionSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    status = serializers.ChoiceField(choices=Certificate.Status.choices)


class CertificateRejectedSerializer(CertificateDecisionSerializer):
    reason = serializers.CharField(source="reject_reason")


# --- helpers -----------------------------------------------------------------------------------


class CanVerifyCertificates(permissions.BasePermission):
    """Staff with the `credit.verify_certificate` permission (API.md: staff endpoints)."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(
            user
            and user.is_authenticated
            and user.is_staff
            and user.has_perm("credit.verify_certificate")
        )


# --- reviews -------------------------------------------------------------------------------------


class OrderReviewsApi(APIView):
    """POST a review of the other party of an escrow trade (R-C4); GET the trade's reviews
    (parties only)."""

    permission_classes = [permissions.IsAuthenticated]
    pagination_class = PageNumberPagination

    @extend_schema(request=ReviewInputSerializer, responses={201: ReviewSerializer, **errors(409)})
    def post(self, request, order_id: int):
        data = ReviewInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        review = services.review_record(
            order_id=order_id,
            reviewer=getattr(request.user, "company", None),
            rating=data.validated_data["rating"],
            comment=data.validated_data["comment"],
            author=request.user,
        )
        return Response(ReviewSerializer(review).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=ReviewSerializer(many=True))
    def get(self, request, order_id: int):
        company = getattr(request.user, "company", None)
        order = Order.objects.filter(pk=order_id).first()
        if order is None or company is None or company.pk not in (order.buyer_id, order.seller_id):
            raise NotAParty()
        reviews = Review.objects.filter(order=order).select_related("reviewer", "reviewee")
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(reviews, request, view=self)
        return paginator.get_paginated_response(ReviewSerializer(page, many=True).data)


# --- certificates ---------------------------------------------------------------------------------


class CertificatesApi(APIView):
    """POST a certificate (multipart, image ≤ 1 MB, R-C5); GET the caller's own."""

    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    pagination_class = PageNumberPagination

    @extend_schema(
        request={"multipart/form-data": CertificateInputSerializer},
        responses={201: CertificateSerializer, **errors(413)},
    )
    def post(self, request):
        company = user_company(request.user)
        data = CertificateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        certificate = services.certificate_upload(
            company=company, kind=d["kind"], title=d["title"], image=d["image"], by=request.user
        )
        return Response(CertificateSerializer(certificate).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=CertificateSerializer(many=True))
    def get(self, request):
        company = user_company(request.user)
        qs = selectors.certificates_own(company)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(CertificateSerializer(page, many=True).data)


class CertificateDetailApi(APIView):
    """DELETE one of the caller's certificates (another member's is a 404)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={204: None})
    def delete(self, request, certificate_id: int):
        services.certificate_delete(
            company=user_company(request.user), certificate_id=certificate_id
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class StaffCertificateListApi(ListAPIView):
    permission_classes = [CanVerifyCertificates]
    serializer_class = CertificateSerializer
    filter_backends: list = []
    status_filter = QueryChoice("status", Certificate.Status.values)

    @extend_schema(parameters=[status_filter.parameter])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        qs = Certificate.objects.select_related("company").order_by("created_at", "id")
        if getattr(self, "swagger_fake_view", False):
            return qs.none()
        if wanted := self.status_filter.read(self.request):
            qs = qs.filter(status=wanted)
        return qs


class StaffCertificateApproveApi(APIView):
    permission_classes = [CanVerifyCertificates]

    @extend_schema(request=None, responses={200: CertificateDecisionSerializer, **errors(409)})
    def post(self, request, certificate_id: int):
        certificate = services.certificate_verify(certificate_id=certificate_id, by=request.user)
        return Response(CertificateDecisionSerializer(certificate).data)


class StaffCertificateRejectApi(APIView):
    permission_classes = [CanVerifyCertificates]

    @extend_schema(
        request=RejectInputSerializer,
        responses={200: CertificateRejectedSerializer, **errors(409)},
    )
    def post(self, request, certificate_id: int):
        data = RejectInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        certificate = services.certificate_reject(
            certificate_id=certificate_id, reason=data.validated_data["reason"], by=request.user
        )
        return Response(CertificateRejectedSerializer(certificate).data)


# --- references -------------------------------------------------------------------------------------


class ReferencesApi(APIView):
    permission_classes = [permissions.IsAuthenticated]
    pagination_class = PageNumberPagination

    @extend_schema(responses=ReferenceSerializer(many=True))
    def get(self, request):
        refs = selectors.references_of(user_company(request.user))
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(refs, request, view=self)
        return paginator.get_paginated_response(ReferenceSerializer(page, many=True).data)

    @extend_schema(request=ReferenceSerializer, responses={201: ReferenceSerializer})
    def post(self, request):
        company = user_company(request.user)
        data = ReferenceInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ref = services.reference_add(company=company, **data.validated_data)
        return Response(ReferenceSerializer(ref).data, status=status.HTTP_201_CREATED)


class ReferenceDetailApi(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={204: None})
    def delete(self, request, reference_id: int):
        services.reference_remove(company=user_company(request.user), reference_id=reference_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- the public archive --------------------------------------------------------------------------------

HISTORY_LIMIT = 50


class BreakdownSerializer(serializers.Serializer):
    verification = serializers.IntegerField()
    archive_years = serializers.IntegerField()
    reviews = serializers.IntegerField()
    certificates = serializers.IntegerField()


class ReviewCountsSerializer(serializers.Serializer):
    positive = serializers.IntegerField()
    neutral = serializers.IntegerField()
    negative = serializers.IntegerField()


class ActivitySerializer(serializers.Serializer):
    member_since = serializers.DateTimeField()
    listings_live = serializers.IntegerField()
    trades_completed = serializers.IntegerField()
    reviews_given = serializers.IntegerField()
    reviews_received = serializers.IntegerField()


class CreditArchiveSerializer(serializers.Serializer):
    """API.md, Credit archive: score, breakdown, reviews, certificates, references, activity,
    history; plus the company's handle, name, TrustPass and verification flags."""

    member_id = serializers.CharField(source="company.member_id")
    name = serializers.CharField(source="company.name")
    is_trustpass = serializers.BooleanField(source="public")
    verified = serializers.BooleanField(source="company.verified")
    score = serializers.IntegerField()
    breakdown = serializers.SerializerMethodField()
    archive_days = serializers.IntegerField()
    archive_years = serializers.IntegerField()
    trustpass_since = serializers.DateField(allow_null=True, help_text="诚信通会员起始")
    reviews = ReviewCountsSerializer(source="review_counts")
    certificates = PublicCertificateSerializer(many=True)
    references = ReferenceSerializer(many=True)
    activity = ActivitySerializer()
    history = serializers.SerializerMethodField()

    @extend_schema_field(BreakdownSerializer)
    def get_breakdown(self, obj) -> dict:
        return obj.breakdown.as_dict()

    @extend_schema_field(HistorySerializer(many=True))
    def get_history(self, obj) -> list:
        history = selectors.score_history(obj.company)[:HISTORY_LIMIT]
        return HistorySerializer(history, many=True).data


class CreditArchiveApi(APIView):
    """R-C1: the public credit archive. The score and its parts are public for every company;
    certificates and references are part of a TrustPass company's archive (R-M3.2)."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(responses=CreditArchiveSerializer)
    def get(self, request, member_id: str):
        company = company_get_public(member_id=member_id)
        return Response(CreditArchiveSerializer(selectors.credit_archive(company)).data)


class CompanyReviewsApi(ListAPIView):
    """The reviews a company received, newest first, paginated; `?rating=` filters."""

    permission_classes = [permissions.AllowAny]
    serializer_class = ReviewSerializer
    filter_backends: list = []
    rating_filter = QueryChoice("rating", Rating.values)

    @extend_schema(parameters=[rating_filter.parameter])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Review.objects.none()
        company = company_get_public(member_id=self.kwargs["member_id"])
        qs = selectors.reviews_received(company).select_related("reviewee")
        if rating := self.rating_filter.read(self.request):
            qs = qs.filter(rating=rating)
        return qs
