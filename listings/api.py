"""Listings API (API.md, section Listings): thin views over services and selectors."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.openapi import QueryChoice, QueryText, errors
from marketplace.pagination import PageNumberPagination
from marketplace.uploads import LISTING_UPLOAD_MAX_BYTES, guard_upload_request

from . import image_services, selectors, services
from .exceptions import ListingNotFound, NoCompany, NotListingOwner
from .models import BrandTerm, Listing, ListingImage, ProhibitedTerm
from .review import terms
from .serializers import (
    BrandTermSerializer,
    CategoryTreeSerializer,
    ListingImageInputSerializer,
    ListingImageOrderSerializer,
    ListingImageSerializer,
    ListingInputSerializer,
    ListingRefreshedSerializer,
    ListingRejectedSerializer,
    ListingRejectInputSerializer,
    ListingSerializer,
    ListingStatusSerializer,
    ListingSummarySerializer,
    ListingTermInputSerializer,
    ProhibitedTermSerializer,
    ReviewQueueItemSerializer,
)


class HasCompany(permissions.IsAuthenticated):
    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        if request.user.company_id is None:
            raise NoCompany()
        return True


def staff_permission(*perms: str):
    """`is_staff` with the matching Django permission (API.md: staff endpoints)."""

    class StaffWithPermission(permissions.BasePermission):
        def has_permission(self, request, view):
            user = request.user
            return bool(user and user.is_authenticated and user.is_staff and user.has_perms(perms))

    return StaffWithPermission


def _detail(listing: Listing, request) -> dict:
    listing = (
        Listing.objects.select_related("company", "category", "category__parent")
        .prefetch_related("images", "checks")
        .get(pk=listing.pk)
    )
    return ListingSerializer(listing, context={"request": request}).data


# --- seller -----------------------------------------------------------------------------------


class ListingListCreateApi(APIView):
    """GET: the caller's own listings (?status=). POST: create and submit for review."""

    permission_classes = [HasCompany]
    pagination_class = PageNumberPagination
    status_filter = QueryChoice("status", Listing.Status.values, description="只看该状态的信息")

    @extend_schema(
        parameters=[status_filter.parameter], responses=ListingSummarySerializer(many=True)
    )
    def get(self, request):
        wanted = self.status_filter.read(request)
        qs = selectors.company_listings(request.user.company, status=wanted)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(ListingSummarySerializer(page, many=True).data)

    @extend_schema(request=ListingInputSerializer, responses={201: ListingStatusSerializer})
    def post(self, request):
        data = ListingInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        listing = services.listing_create(
            company=request.user.company, submit=True, **data.to_service_values()
        )
        return Response(ListingStatusSerializer(listing).data, status=201)


class ListingDetailApi(APIView):
    """GET: live for everyone, any status for owner and staff (else 404). PATCH: owner."""

    permission_classes = [permissions.IsAuthenticatedOrReadOnly]

    @extend_schema(responses=ListingSerializer)
    def get(self, request, pk: int):
        listing = selectors.listing_get_visible(listing_id=pk, user=request.user)
        return Response(_detail(listing, request))

    @extend_schema(request=ListingInputSerializer, responses=ListingSerializer)
    def patch(self, request, pk: int):
        listing = selectors.listing_get_visible(listing_id=pk, user=request.user)
        if listing.company_id != request.user.company_id:
            raise NotListingOwner()
        data = ListingInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        # Partial: only what the client sent (defaults of the create form do not apply).
        values = {k: v for k, v in data.to_service_values().items() if k in request.data}
        listing = services.listing_update(listing=listing, **values)
        return Response(_detail(listing, request))


class _OwnedListingAction(APIView):
    permission_classes = [HasCompany]

    def owned(self, request, pk: int) -> Listing:
        return selectors.listing_get_owned(listing_id=pk, user=request.user)


class ListingSubmitApi(_OwnedListingAction):
    @extend_schema(request=None, responses={200: ListingStatusSerializer, **errors(409)})
    def post(self, request, pk: int):
        listing = services.listing_submit(listing=self.owned(request, pk))
        return Response(ListingStatusSerializer(listing).data)


class ListingRefreshApi(_OwnedListingAction):
    """R-L2: bump the publication time of a live listing, once a day."""

    @extend_schema(request=None, responses={200: ListingRefreshedSerializer, **errors(409)})
    def post(self, request, pk: int):
        listing = services.listing_refresh(listing=self.owned(request, pk))
        return Response(ListingRefreshedSerializer(listing).data)


class ListingWithdrawApi(_OwnedListingAction):
    @extend_schema(request=None, responses={200: ListingStatusSerializer, **errors(409)})
    def post(self, request, pk: int):
        listing = services.listing_withdraw(listing=self.owned(request, pk), by=request.user)
        return Response(ListingStatusSerializer(listing).data)


class ListingImagesApi(_OwnedListingAction):
    """R-L5: multipart {image} → 201 {url, width, height, format, bytes}. Over 5 MB is a
    413 before the whole body is read."""

    parser_classes = [MultiPartParser, FormParser]

    def initial(self, request, *args, **kwargs):
        # Before authentication reads the body (SessionAuthentication's CSRF check does).
        if request.method == "POST":
            guard_upload_request(request, limit=LISTING_UPLOAD_MAX_BYTES, label=gettext("图片"))
        super().initial(request, *args, **kwargs)

    # Not paged: a listing has at most MAX_IMAGES_PER_LISTING (6) images.
    @extend_schema(responses=ListingImageSerializer(many=True))
    def get(self, request, pk: int):
        listing = self.owned(request, pk)
        return Response(
            ListingImageSerializer(
                listing.images.all(), many=True, context={"request": request}
            ).data
        )

    @extend_schema(
        request={"multipart/form-data": ListingImageInputSerializer},
        responses={201: ListingImageSerializer, **errors(413)},
    )
    def post(self, request, pk: int):
        listing = self.owned(request, pk)
        data = ListingImageInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        image = image_services.listing_image_add(
            listing=listing, upload=data.validated_data["image"]
        )
        return Response(
            ListingImageSerializer(image, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class ListingImageOrderApi(_OwnedListingAction):
    """Issue 15: `{ids}` puts the listing's images in that order (each exactly once; the
    first is shown on cards) → 200 the images in order. A changed order of a live listing
    sends it back to review (R-L2)."""

    @extend_schema(request=ListingImageOrderSerializer, responses=ListingImageSerializer(many=True))
    def post(self, request, pk: int):
        listing = self.owned(request, pk)
        data = ListingImageOrderSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        images = image_services.listing_image_reorder(
            listing=listing, image_ids=data.validated_data["ids"]
        )
        return Response(
            ListingImageSerializer(images, many=True, context={"request": request}).data
        )


class ListingImageDetailApi(_OwnedListingAction):
    @extend_schema(request=None, responses={204: None})
    def delete(self, request, pk: int, image_id: int):
        listing = self.owned(request, pk)
        image = ListingImage.objects.filter(listing=listing, pk=image_id).first()
        if image is None:
            raise ListingNotFound(gettext("未找到该图片。"))
        image_services.listing_image_remove(image=image)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CategoryListApi(APIView):
    """The two-level category tree (ids for `category` when posting), a page of top-level
    categories with their children."""

    permission_classes = [permissions.AllowAny]
    pagination_class = PageNumberPagination

    @extend_schema(responses=CategoryTreeSerializer(many=True))
    def get(self, request):
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(selectors.category_tree(), request, view=self)
        return paginator.get_paginated_response(CategoryTreeSerializer(page, many=True).data)


# --- staff ------------------------------------------------------------------------------------


class StaffReviewQueueApi(APIView):
    """R-L4: pending listings ordered by review deadline, with their checks."""

    permission_classes = [staff_permission("listings.view_listing")]
    pagination_class = PageNumberPagination

    @extend_schema(responses=ReviewQueueItemSerializer(many=True))
    def get(self, request):
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(selectors.review_queue(), request, view=self)
        return paginator.get_paginated_response(ReviewQueueItemSerializer(page, many=True).data)


class StaffListingApproveApi(APIView):
    permission_classes = [staff_permission("listings.change_listing")]

    @extend_schema(request=None, responses={200: ListingStatusSerializer, **errors(409)})
    def post(self, request, pk: int):
        listing = get_object_or_404(Listing, pk=pk)
        listing = services.listing_approve(listing=listing, by=request.user)
        return Response(ListingStatusSerializer(listing).data)


class StaffListingRejectApi(APIView):
    permission_classes = [staff_permission("listings.change_listing")]

    @extend_schema(
        request=ListingRejectInputSerializer,
        responses={200: ListingRejectedSerializer, **errors(409)},
    )
    def post(self, request, pk: int):
        listing = get_object_or_404(Listing, pk=pk)
        data = ListingRejectInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        listing = services.listing_reject(
            listing=listing,
            by=request.user,
            codes=data.validated_data["codes"],
            detail=data.validated_data["detail"],
        )
        return Response(ListingRejectedSerializer(listing).data)


class StaffListingWithdrawApi(APIView):
    """R-L2: staff take a live listing off line."""

    permission_classes = [staff_permission("listings.change_listing")]

    @extend_schema(request=None, responses={200: ListingStatusSerializer, **errors(409)})
    def post(self, request, pk: int):
        listing = get_object_or_404(Listing, pk=pk)
        listing = services.listing_withdraw(listing=listing, by=request.user)
        return Response(ListingStatusSerializer(listing).data)


def _term_views(kind: str, model, serializer_class):
    label = model._meta.model_name

    class TermListApi(APIView):
        """The staff-maintained term list (GET list, POST {term} → 201)."""

        pagination_class = PageNumberPagination
        search = QueryText("q", description="只看包含这段文字的词")

        def get_permissions(self):
            perm = f"listings.{'view' if self.request.method == 'GET' else 'add'}_{label}"
            return [staff_permission(perm)()]

        @extend_schema(parameters=[search.parameter], responses=serializer_class(many=True))
        def get(self, request):
            paginator = self.pagination_class()
            qs = model.objects.order_by("term")
            if q := self.search.read(request):
                qs = qs.filter(term__icontains=q)
            page = paginator.paginate_queryset(qs, request, view=self)
            return paginator.get_paginated_response(serializer_class(page, many=True).data)

        @extend_schema(
            request=ListingTermInputSerializer, responses={201: serializer_class, **errors(409)}
        )
        def post(self, request):
            data = ListingTermInputSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            term = terms.term_add(kind=kind, **data.validated_data)
            return Response(serializer_class(term).data, status=status.HTTP_201_CREATED)

    class TermDetailApi(APIView):
        permission_classes = [staff_permission(f"listings.delete_{label}")]

        @extend_schema(request=None, responses={204: None})
        def delete(self, request, pk: int):
            get_object_or_404(model, pk=pk)
            terms.term_remove(kind=kind, term_id=pk)
            return Response(status=status.HTTP_204_NO_CONTENT)

    name = model.__name__
    TermListApi.__name__ = TermListApi.__qualname__ = f"Staff{name}ListApi"
    TermDetailApi.__name__ = TermDetailApi.__qualname__ = f"Staff{name}DetailApi"
    return TermListApi, TermDetailApi


StaffProhibitedTermListApi, StaffProhibitedTermDetailApi = _term_views(
    "prohibited", ProhibitedTerm, ProhibitedTermSerializer
)
StaffBrandTermListApi, StaffBrandTermDetailApi = _term_views(
    "brand", BrandTerm, BrandTermSerializer
)
