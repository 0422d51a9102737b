"""Pages of the inquiries area: inquiry and quotation forms, the inbox, favourites,
reports and the seller's statistics. Thin: every action is a service call."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from listings.models import Listing
from marketplace.exceptions import DomainError
from marketplace.forms import form_add_domain_error
from members import privileges
from members.models import Company
from members.selectors import user_company

from . import selectors, services
from .exceptions import InquiryNotFound, InquiryRateLimited
from .forms import InquiryForm, QuoteForm, ReplyForm, ReportForm
from .models import Favourite

PAGE_SIZE = 20


def _raise_if_missing(exc: DomainError) -> None:
    if exc.status_code == 404:
        raise Http404(str(exc.detail))


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _thread_or_404(request, pk):
    try:
        return selectors.inquiry_get_for_company(company=request.user.company, inquiry_id=pk)
    except InquiryNotFound as exc:
        raise Http404(str(exc.detail))


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


# --- inquiries (R-I1) ---------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def listing_inquire(request, pk: int):
    """The inquiry form of a listing (the listing page shows the same form in its box)."""
    listing = get_object_or_404(
        Listing.objects.select_related("company"),
        pk=pk,
        status=Listing.Status.LIVE,
        kind=Listing.Kind.SUPPLY,
    )
    form = InquiryForm(request.POST or None, initial={"quantity": listing.min_order})
    status, retry_after = 200, None
    if request.method == "POST" and form.is_valid():
        try:
            thread = services.inquiry_send(
                sender=request.user,
                message=form.cleaned_data["message"],
                quantity=form.cleaned_data["quantity"],
                listing=listing,
            )
        except InquiryRateLimited as exc:
            form.add_error(None, str(exc.detail))
            status, retry_after = 429, exc.retry_after
        except DomainError as exc:
            _raise_if_missing(exc)
            form_add_domain_error(form, exc)
            status = 400
        else:
            messages.success(request, _("询盘已发送！卖家回复后会出现在您的收件箱中（已发送）。"))
            return redirect("inquiries:inbox_thread", pk=thread.pk)
    elif request.method == "POST":
        status = 400
    response = render(
        request, "inquiries/inquiry_form.html", {"form": form, "listing": listing}, status=status
    )
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


@login_required
def inbox(request):
    """收件箱: received (default), sent or all threads, threaded by listing and counterpart;
    `unread=1` keeps those with unread messages (the header badge links there)."""
    company = request.user.company
    box = request.GET.get("box", "received")
    if box not in ("received", "sent", "all"):
        box = "received"
    unread_only = request.GET.get("unread") == "1"
    threads = selectors.inbox_threads(company=company, box=box, unread_only=unread_only)
    page_obj = _page(request, threads)
    for thread in page_obj:
        thread.other = thread.counterpart(company) if company else None
    return render(
        request,
        "inquiries/inbox.html",
        {
            "page_obj": page_obj,
            "box": box,
            "unread_only": unread_only,
            "company": company,
            "unread_received": selectors.inbox_threads(
                company=company, box="received", unread_only=True
            ).count()
            if company
            else 0,
        },
    )


@login_required
@require_http_methods(["GET"])
def inbox_thread(request, pk: int):
    """One thread; opening it marks what the viewer's company received as read."""
    company = request.user.company
    thread = _thread_or_404(request, pk)  # only the two parties ever see it
    services.inquiry_mark_read(user=request.user, inquiry_id=thread.pk)
    return render(
        request,
        "inquiries/inbox_thread.html",
        {
            "thread": thread,
            "other": thread.counterpart(company),
            "company": company,
            "form": ReplyForm(),
            "is_seller": thread.seller_id == company.pk,
        },
    )


@login_required
@require_POST
def inbox_reply(request, pk: int):
    company = request.user.company
    thread = _thread_or_404(request, pk)  # only the two parties ever see it
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            services.inquiry_reply(
                sender=request.user, inquiry_id=thread.pk, message=form.cleaned_data["message"]
            )
        except DomainError as exc:
            _raise_if_missing(exc)
            form_add_domain_error(form, exc)
        else:
            messages.success(request, _("回复已发送。"))
            return redirect("inquiries:inbox_thread", pk=thread.pk)
    return render(
        request,
        "inquiries/inbox_thread.html",
        {
            "thread": thread,
            "other": thread.counterpart(company),
            "company": company,
            "form": form,
            "is_seller": thread.seller_id == company.pk,
        },
        status=400,
    )


@login_required
@require_POST
def inbox_read_all(request):
    count = services.inquiry_mark_all_read(user=request.user)
    messages.success(
        request,
        ngettext("已将 %(count)d 条消息标为已读。", "已将 %(count)d 条消息标为已读。", count)
        % {"count": count}
        if count
        else _("没有未读消息。"),
    )
    return redirect(_safe_next(request, reverse("inquiries:inbox")))


# --- quotations (R-M3.1) -------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def buy_lead_quote(request, pk: int):
    """报价 on a buy lead: TrustPass members only; others are told how to get TrustPass."""
    try:
        lead = services.buy_lead_for_quote(listing_id=pk)
    except DomainError as exc:
        raise Http404(str(exc.detail))
    company = request.user.company
    if not privileges.can_quote(company):
        return render(
            request,
            "inquiries/quote_form.html",
            {"lead": lead, "trustpass_required": True, "detail": services.QUOTE_TRUSTPASS_DETAIL},
            status=403,
        )
    form = QuoteForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            quote = services.quote_send(sender=request.user, listing=lead, **form.cleaned_data)
        except DomainError as exc:
            _raise_if_missing(exc)
            form_add_domain_error(form, exc)
            status = exc.status_code
        else:
            messages.success(request, _("报价已发送，买家会在收件箱中看到您的报价。"))
            return redirect("inquiries:inbox_thread", pk=quote.message.inquiry_id)
    elif request.method == "POST":
        status = 400
    return render(request, "inquiries/quote_form.html", {"lead": lead, "form": form}, status=status)


# --- favourites ---------------------------------------------------------------------------


@login_required
def favourites(request):
    tab = "suppliers" if request.GET.get("tab") == "suppliers" else "listings"
    page_obj = _page(request, selectors.favourites_of(user=request.user, kind=tab))
    return render(request, "inquiries/favourites.html", {"page_obj": page_obj, "tab": tab})


@login_required
@require_POST
def favourite_add(request):
    listing_id = request.POST.get("listing")
    member_id = request.POST.get("member_id")
    try:
        if listing_id:
            if not listing_id.isdigit():
                raise Http404(_("该信息不存在。"))
            services.favourite_add(user=request.user, listing=int(listing_id))
            default = reverse("inquiries:favourites")
        elif member_id:
            company = get_object_or_404(Company, member_id=member_id)
            services.favourite_add(user=request.user, company=company)
            default = reverse("inquiries:favourites") + "?tab=suppliers"
        else:
            raise Http404(_("请指定要收藏的信息或供应商。"))
    except DomainError as exc:
        _raise_if_missing(exc)
        messages.error(request, str(exc.detail))
        return redirect(_safe_next(request, reverse("inquiries:favourites")))
    messages.success(request, _("已加入收藏夹。"))
    return redirect(_safe_next(request, default))


@login_required
@require_http_methods(["GET", "POST"])
def favourite_remove(request, pk: int):
    """Remove a favourite: GET asks to confirm, POST removes."""
    fav = get_object_or_404(
        Favourite.objects.select_related("listing", "company"), pk=pk, user=request.user
    )
    if request.method == "POST":
        services.favourite_remove(user=request.user, favourite_id=fav.pk)
        messages.success(request, _("已从收藏夹移除。"))
        tab = "?tab=suppliers" if fav.company_id else ""
        return redirect(_safe_next(request, reverse("inquiries:favourites") + tab))
    return render(request, "inquiries/favourites_confirm_remove.html", {"fav": fav})


# --- reports ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def listing_report(request, pk: int):
    listing = get_object_or_404(
        Listing.objects.select_related("company"), pk=pk, status=Listing.Status.LIVE
    )
    form = ReportForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.report_create(reporter=request.user, listing=listing, **form.cleaned_data)
        except DomainError as exc:
            _raise_if_missing(exc)
            form_add_domain_error(form, exc)
            status = exc.status_code
        else:
            messages.success(request, _("举报已提交，工作人员会尽快核实处理。感谢您的监督！"))
            return HttpResponseRedirect(f"/listings/{listing.pk}/")
    elif request.method == "POST":
        status = 400
    return render(
        request, "inquiries/report_form.html", {"form": form, "listing": listing}, status=status
    )


# --- statistics (R-L5) --------------------------------------------------------------------


@login_required
def my_stats(request):
    """The seller's listing statistics: per listing, the last 30 days, images vs views."""
    company = user_company(request.user)
    page_obj = _page(request, selectors.company_listing_stats(company))
    return render(
        request,
        "inquiries/stats.html",
        {
            "company": company,
            "page_obj": page_obj,
            "summary": selectors.company_stats_summary(company),
            "images": selectors.company_image_share(company),
            "response": selectors.company_response_stats(company),
        },
    )
