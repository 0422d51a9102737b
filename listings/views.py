"""Listing pages: the public detail page and the seller's back office
(我的阿里助手 › 供求信息). Thin: they call selectors and services and map domain errors to
form errors and messages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from marketplace.exceptions import DomainError, FileTooLarge
from marketplace.forms import form_add_domain_error
from marketplace.uploads import LISTING_UPLOAD_MAX_BYTES, guard_upload_request
from members import privileges
from members.selectors import user_company

from . import image_services, selectors, services, signals
from .exceptions import ListingNotFound, NoCompany
from .forms import ImageUploadForm, ListingForm
from .images import MAX_IMAGES_PER_LISTING
from .models import Listing, ListingImage
from .review import checks, reasons

PAGE_SIZE = 20
STATUS_TABS = [
    ("", gettext_lazy("全部")),
    (Listing.Status.DRAFT, Listing.Status.DRAFT.label),
    (Listing.Status.PENDING_REVIEW, Listing.Status.PENDING_REVIEW.label),
    (Listing.Status.LIVE, Listing.Status.LIVE.label),
    (Listing.Status.REJECTED, Listing.Status.REJECTED.label),
    (Listing.Status.EXPIRED, Listing.Status.EXPIRED.label),
    (Listing.Status.WITHDRAWN, Listing.Status.WITHDRAWN.label),
]


def _reasons(listing: Listing | None) -> list[dict]:
    """R-L3: the listing's rejection reasons, each `detail` in the reader's language."""
    if listing is None:
        return []
    return [
        {**r, "detail": reasons.reason_detail(r.get("code", ""), r.get("detail", ""))}
        for r in listing.rejection_reasons or []
    ]


def _owned(request, pk: int) -> Listing:
    try:
        return selectors.listing_get_owned(listing_id=pk, user=request.user)
    except ListingNotFound:
        raise Http404(_("未找到该信息。"))


# --- public -----------------------------------------------------------------------------------


def listing_detail(request, pk: int):
    """Live listings for everyone; the owner and staff see any status; else 404."""
    try:
        listing = selectors.listing_get_visible(listing_id=pk, user=request.user)
    except ListingNotFound:
        raise Http404(_("未找到该信息，它可能已下架或过期。"))
    signals.listing_displayed.send(sender=Listing, listing=listing, request=request)
    company = listing.company
    viewer_company = (
        getattr(request.user, "company", None) if request.user.is_authenticated else None
    )
    is_owner = viewer_company is not None and viewer_company.pk == company.pk
    sees_contact = listing.kind == Listing.Kind.DEMAND and (
        is_owner
        or (request.user.is_authenticated and request.user.is_staff)
        or privileges.can_see_buy_lead_contacts(viewer_company)
    )
    return render(
        request,
        "listings/detail.html",
        {
            "listing": listing,
            "company": company,
            "images": list(listing.images.all()),
            "is_trustpass": privileges.is_trustpass(company),
            "is_owner": is_owner,
            "sees_contact": sees_contact,
        },
    )


# --- seller back office -----------------------------------------------------------------------


@login_required
def my_listings(request):
    company = user_company(request.user, detail=NoCompany.default_detail)
    status = request.GET.get("status", "")
    if status not in Listing.Status.values:
        status = ""
    counts = selectors.company_listing_counts(company)
    page = Paginator(
        selectors.company_listings(company, status=status or None), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    tabs = [
        {
            "value": value,
            "label": label,
            "count": sum(counts.values()) if not value else counts[value],
            "active": value == status,
        }
        for value, label in STATUS_TABS
    ]
    return render(
        request,
        "listings/my_list.html",
        {"page_obj": page, "tabs": tabs, "status": status, "counts": counts},
    )


@login_required
@require_http_methods(["GET", "POST"])
def listing_new(request):
    company = user_company(request.user, detail=NoCompany.default_detail)
    form = ListingForm(
        request.POST or None,
        initial={
            "kind": request.GET.get("kind", Listing.Kind.SUPPLY),
            "province": company.province,
            "city": company.city,
        },
    )
    if request.method == "POST" and form.is_valid():
        submit = request.POST.get("action") == "submit"
        try:
            listing = services.listing_create(
                company=company, submit=submit, **form.service_values()
            )
        except DomainError as exc:
            form_add_domain_error(form, exc, renames={"price_tiers": "tier1_qty"})
        else:
            if submit:
                messages.success(
                    request, _("信息已提交审核，系统正在自动检查，结果会在站内信和邮件中通知您。")
                )
            else:
                messages.success(
                    request,
                    _(
                        "草稿已保存。上传产品图片（有图片的信息浏览量约为无图片的 3 倍），然后提交审核。"
                    ),
                )
            return redirect("listings:manage", pk=listing.pk)
    return render(request, "listings/form.html", {"form": form, "listing": None})


@login_required
@require_http_methods(["GET", "POST"])
def listing_edit(request, pk: int):
    listing = _owned(request, pk)
    if request.method == "POST":
        form = ListingForm(request.POST)
        if form.is_valid():
            was = listing.status
            try:
                listing = services.listing_update(listing=listing, **form.service_values())
                if (
                    request.POST.get("action") == "submit"
                    and listing.status in services.SUBMITTABLE
                ):
                    listing = services.listing_submit(listing=listing)
            except DomainError as exc:
                form_add_domain_error(form, exc, renames={"price_tiers": "tier1_qty"})
            else:
                if listing.status == Listing.Status.PENDING_REVIEW and was != listing.status:
                    messages.success(request, _("修改已保存并重新提交审核。"))
                elif listing.status == Listing.Status.PENDING_REVIEW:
                    messages.success(request, _("修改已保存，信息将重新审核。"))
                else:
                    messages.success(request, _("修改已保存。"))
                return redirect("listings:manage", pk=listing.pk)
    else:
        form = ListingForm(initial=ListingForm.initial_from(listing))
    return render(
        request,
        "listings/form.html",
        {"form": form, "listing": listing, "rejection_reasons": _reasons(listing)},
    )


@login_required
def listing_manage(request, pk: int):
    listing = _owned(request, pk)
    images = list(listing.images.all())
    today = timezone.localdate()
    refreshed_today = bool(
        listing.refreshed_at and timezone.localtime(listing.refreshed_at).date() == today
    )
    order = {code: i for i, code in enumerate(checks.CHECK_CODES)}
    check_rows = [
        {
            "label": checks.CHECK_LABELS.get(c.code, c.code),
            "check": c,
            "detail": reasons.reason_detail(c.code, c.detail),
        }
        for c in sorted(listing.checks.all(), key=lambda c: order.get(c.code, 99))
    ]
    return render(
        request,
        "listings/manage.html",
        {
            "listing": listing,
            "images": images,
            "image_form": ImageUploadForm(),
            "can_add_image": len(images) < MAX_IMAGES_PER_LISTING,
            "max_images": MAX_IMAGES_PER_LISTING,
            "max_upload_bytes": LISTING_UPLOAD_MAX_BYTES,
            "check_rows": check_rows,
            "rejection_reasons": _reasons(listing),
            "can_submit": listing.status in services.SUBMITTABLE,
            "can_refresh": listing.status == Listing.Status.LIVE and not refreshed_today,
            "refreshed_today": refreshed_today,
            "can_withdraw": listing.status in services.WITHDRAWABLE,
        },
    )


def _action(request, pk: int, do, success: str):
    listing = _owned(request, pk)
    try:
        do(listing)
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, success)
    return redirect("listings:manage", pk=pk)


@login_required
@require_POST
def listing_submit(request, pk: int):
    return _action(
        request,
        pk,
        lambda listing: services.listing_submit(listing=listing),
        _("已提交审核，系统正在自动检查；结果会在站内信和邮件中通知您。"),
    )


@login_required
@require_POST
def listing_refresh(request, pk: int):
    return _action(
        request,
        pk,
        lambda listing: services.listing_refresh(listing=listing),
        _("已重发，信息的发布时间已更新为现在。"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def listing_withdraw(request, pk: int):
    listing = _owned(request, pk)
    if request.method == "GET":
        return render(
            request,
            "listings/confirm.html",
            {
                "listing": listing,
                "title": _("下架信息"),
                "question": _(
                    "确定要下架“%(title)s”吗？下架后买家将看不到它，可以再次提交审核重新发布。"
                )
                % {"title": listing.title},
                "button": _("确认下架"),
            },
        )
    return _action(
        request,
        pk,
        lambda listing: services.listing_withdraw(listing=listing, by=request.user),
        _("信息已下架。"),
    )


@csrf_exempt
@login_required
@require_POST
def listing_image_upload(request, pk: int):
    """R-L5: a body over 5 MB is refused before it is read; CSRF is checked after the guard
    (the CSRF check reads the body)."""
    _owned(request, pk)
    try:
        guard_upload_request(request, limit=LISTING_UPLOAD_MAX_BYTES, label=_("图片"))
        return _image_upload(request, pk)
    except FileTooLarge as exc:
        messages.error(request, exc.detail)
        response = redirect("listings:manage", pk=pk)
        response["Connection"] = "close"
        return response


@csrf_protect
def _image_upload(request, pk: int):
    listing = _owned(request, pk)
    form = ImageUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("请选择要上传的图片。"))
        return redirect("listings:manage", pk=pk)
    was_live = listing.status == Listing.Status.LIVE
    try:
        image_services.listing_image_add(listing=listing, upload=form.cleaned_data["image"])
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        if was_live:
            messages.success(request, _("图片已上传，信息将重新审核，审核通过后再次上网。"))
        else:
            messages.success(request, _("图片已上传。"))
    return redirect("listings:manage", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def listing_image_delete(request, pk: int, image_id: int):
    listing = _owned(request, pk)
    image = get_object_or_404(ListingImage, pk=image_id, listing=listing)
    if request.method == "GET":
        return render(
            request,
            "listings/confirm.html",
            {
                "listing": listing,
                "image": image,
                "title": _("删除图片"),
                "question": _("确定要删除这张图片吗？删除后不能恢复。"),
                "button": _("确认删除"),
            },
        )
    return _action(
        request,
        pk,
        lambda listing: image_services.listing_image_remove(image=image),
        _("图片已删除。"),
    )


# Issue 15: the order of a listing's images (the first is shown on cards), by buttons that
# work without JavaScript and from the keyboard.
IMAGE_MOVES = {"first": -MAX_IMAGES_PER_LISTING, "up": -1, "down": 1}


@login_required
@require_POST
def listing_image_move(request, pk: int, image_id: int):
    listing = _owned(request, pk)
    image = get_object_or_404(ListingImage, pk=image_id, listing=listing)
    step = IMAGE_MOVES.get(request.POST.get("to", ""))
    if step is None:
        messages.error(request, _("请选择图片要移动的方向。"))
        return redirect("listings:manage", pk=pk)
    was_live = listing.status == Listing.Status.LIVE
    done = _("图片顺序已更新，第一张图片会显示在搜索结果和首页上。")
    if was_live:
        done = _("图片顺序已更新，信息将重新审核，审核通过后再次上网。")
    return _action(
        request, pk, lambda listing: image_services.listing_image_move(image=image, step=step), done
    )
