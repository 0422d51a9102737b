"""Order pages in the back office (/my/orders/), the TrustPass purchase pages
(/my/trustpass/, R-M2) and the local test gateway's pages.

Thin: every change goes through `trade.services`; a `NotFound` becomes a 404 page, any
other `DomainError` an error message on the page the user came from.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from listings.models import Listing
from marketplace.exceptions import DomainError, NotFound
from marketplace.forms import form_add_domain_error
from members import selectors as member_selectors
from members.selectors import user_company

from . import disputes, order_timers, pricing, selectors, services, trustpass_services
from . import state_machine as sm
from .forms import DisputeForm, OrderCreateForm, RefundForm, ShipForm, TrustPassBuyForm
from .gateway import get_gateway
from .models import MembershipOrder

PAGE_SIZE = 20


def _company(request):
    return getattr(request.user, "company", None)


def _detail(pk: int):
    return redirect("trade:order_detail", pk=pk)


@login_required
def order_list(request):
    company = _company(request)
    role = request.GET.get("role") if request.GET.get("role") in selectors.ROLES else ""
    status = request.GET.get("status") if request.GET.get("status") in sm.STATUSES else ""
    # R-T1a / R-T1b: orders the clock has ended show as ended even before the beat ran.
    order_timers.orders_timers_apply_for_company(company=company)
    orders = selectors.order_list_for_company(
        company=company, role=role or None, status=status or None
    )
    page = Paginator(orders, PAGE_SIZE).get_page(request.GET.get("page"))
    for order in page.object_list:
        order.viewer_role = order.role_of(company.pk if company else None)
    return render(
        request,
        "trade/order_list.html",
        {
            "page_obj": page,
            "orders": page.object_list,
            "role": role,
            "status": status,
            "statuses": [(s, sm.STATUS_LABELS[s]) for s in sm.STATUSES],
            "counts": selectors.order_counts_for_company(company=company),
            "company": company,
        },
    )


@login_required
def order_detail(request, pk: int):
    company = _company(request)
    try:
        order = selectors.order_get_for_party(order_id=pk, company=company)
        if order_timers.timers_due(order):  # R-T1a / R-T1b before the beat ran
            order_timers.order_timers_apply(order_id=pk)
            order = selectors.order_get_for_party(order_id=pk, company=company)
    except NotFound:
        raise Http404
    role = order.role_of(company.pk)
    return render(
        request,
        "trade/order_detail.html",
        {
            "order": order,
            "role": role,
            "role_label": sm.ROLE_LABELS[role],
            "other_party": order.seller if role == sm.BUYER else order.buyer,
            "actions": selectors.order_actions_for(order, company),
            "payment": selectors.order_payment(order),
            "ship_form": ShipForm(),
            "steps": _steps(order),
            "dispute": selectors.order_dispute(order),
            "payment_deadline": order_timers.payment_deadline(order),
            "auto_confirm_at": order_timers.auto_confirm_deadline(order),
            "payment_hours": order_timers.payment_hours(),
            "confirm_days": order_timers.confirm_days(),
        },
    )


def _steps(order) -> list[dict]:
    """The progress bar: created → paid → shipped → completed, or the way the order ended
    (refunded, cancelled, expired; a dispute shown where it was opened)."""
    path = [sm.CREATED, sm.PAID, sm.SHIPPED, sm.COMPLETED]
    dispute = getattr(order, "dispute", None)
    times = {
        sm.CREATED: order.created_at,
        sm.PAID: order.paid_at,
        sm.SHIPPED: order.shipped_at,
        sm.DISPUTED: dispute.opened_at if dispute else None,
        sm.COMPLETED: order.completed_at,
        sm.REFUNDED: order.refunded_at,
        sm.CANCELLED: order.cancelled_at,
        sm.EXPIRED: order.expired_at,
    }
    if order.status in (sm.CANCELLED, sm.EXPIRED):
        path = [sm.CREATED, order.status]
    elif order.status in (sm.REFUNDED, sm.DISPUTED) or dispute:
        ended = [sm.DISPUTED] if dispute else []
        ended += [order.status] if order.status in (sm.REFUNDED, sm.COMPLETED) else []
        path = [s for s in (sm.CREATED, sm.PAID, sm.SHIPPED) if times[s]] + ended
    return [
        {"status": s, "label": sm.STATUS_LABELS[s], "at": times[s], "done": bool(times[s])}
        for s in path
    ]


@login_required
@require_http_methods(["GET", "POST"])
def order_new(request, listing_id: int):
    """The order form for a fixed-price, escrow listing (from `_order_button.html`)."""
    listing = get_object_or_404(
        Listing.objects.select_related("company"), pk=listing_id, status=Listing.Status.LIVE
    )
    company = _company(request)
    problem = pricing.orderable_problem(
        kind=listing.kind,
        status=listing.status,
        fixed_price=listing.fixed_price,
        supports_escrow=listing.supports_escrow,
        price=listing.price,
        price_max=listing.price_max,
    )
    if company is not None and listing.company_id == company.pk:
        problem = _("不能购买本企业发布的信息。")
    if request.method == "POST":
        form = OrderCreateForm(request.POST)
    else:
        form = OrderCreateForm(
            initial={"quantity": request.GET.get("quantity") or listing.min_order}
        )
    if request.method == "POST" and not problem and form.is_valid():
        try:
            order = services.order_create(
                buyer=company, listing_id=listing.pk, quantity=form.cleaned_data["quantity"]
            )
        except DomainError as exc:
            for field, errors in (exc.fields or {"__all__": [exc.detail]}).items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(
                request,
                _("订单 %(id)s 已创建，请付款；付款后货款由平台担保。") % {"id": order.pk},
            )
            return _detail(order.pk)
    quantity = form.data.get("quantity") if form.is_bound else form.initial.get("quantity")
    preview = None
    try:
        q = int(quantity)
        if listing.price and q >= 1:
            unit = pricing.unit_price_for(
                price=listing.price, price_tiers=listing.price_tiers, quantity=q
            )
            preview = {"unit": unit, "total": pricing.order_total(unit_price=unit, quantity=q)}
    except (TypeError, ValueError):
        pass
    return render(
        request,
        "trade/order_new.html",
        {"listing": listing, "form": form, "problem": problem, "preview": preview},
    )


def _run(request, pk: int, action, success: str):
    """Call a transition service; 404 for non-parties, an error message for the rest."""
    try:
        result = action()
    except NotFound:
        raise Http404
    except DomainError as exc:
        messages.error(request, exc.detail)
        return None
    messages.success(request, success)
    return result


@login_required
@require_POST
def order_pay(request, pk: int):
    result = _run(
        request,
        pk,
        lambda: services.order_pay(order_id=pk, by=_company(request), interactive=True),
        _("正在前往支付页面，请确认付款。"),
    )
    if result is None:
        return _detail(pk)
    _order, payment = result
    return redirect(payment.pay_url)


@login_required
@require_POST
def order_ship(request, pk: int):
    form = ShipForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("tracking_no", [_("物流单号不正确。")])))
        return _detail(pk)
    _run(
        request,
        pk,
        lambda: services.order_ship(
            order_id=pk, by=_company(request), tracking_no=form.cleaned_data["tracking_no"]
        ),
        _("已发货，等待买家确认收货。"),
    )
    return _detail(pk)


def _confirm_page(request, pk: int, action: str, form=None):
    try:
        order = selectors.order_get_for_party(order_id=pk, company=_company(request))
    except NotFound:
        raise Http404
    return render(
        request,
        "trade/order_confirm_action.html",
        {"order": order, "action": action, "label": sm.ACTION_LABELS[action], "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def order_confirm(request, pk: int):
    """确认收货 releases the money to the seller: a confirmation page first."""
    if request.method == "GET":
        return _confirm_page(request, pk, sm.CONFIRM)
    _run(
        request,
        pk,
        lambda: services.order_confirm(order_id=pk, by=_company(request)),
        _("已确认收货，货款已支付给卖家，交易成功。欢迎评价对方。"),
    )
    return _detail(pk)


@login_required
@require_http_methods(["GET", "POST"])
def order_refund(request, pk: int):
    """退款 cannot be undone: a confirmation page with an optional reason first."""
    if request.method == "GET":
        return _confirm_page(request, pk, sm.REFUND, RefundForm())
    form = RefundForm(request.POST)
    if not form.is_valid():
        return _confirm_page(request, pk, sm.REFUND, form)
    _run(
        request,
        pk,
        lambda: services.order_refund(
            order_id=pk, by=_company(request), reason=form.cleaned_data["reason"]
        ),
        _("已退款，货款已退回买家。"),
    )
    return _detail(pk)


@login_required
@require_http_methods(["GET", "POST"])
def order_cancel(request, pk: int):
    """R-T1a 取消订单 (unpaid orders only): a confirmation page first."""
    if request.method == "GET":
        return _confirm_page(request, pk, sm.CANCEL)
    _run(
        request,
        pk,
        lambda: services.order_cancel(order_id=pk, by=_company(request)),
        _("订单已取消，无需付款。"),
    )
    return _detail(pk)


@login_required
@require_http_methods(["GET", "POST"])
def order_dispute(request, pk: int):
    """R-T1c 申请纠纷处理: the buyer says what went wrong; staff decide."""
    if request.method == "GET":
        return _confirm_page(request, pk, sm.DISPUTE, DisputeForm())
    form = DisputeForm(request.POST)
    if not form.is_valid():
        return _confirm_page(request, pk, sm.DISPUTE, form)
    _run(
        request,
        pk,
        lambda: disputes.order_dispute(
            order_id=pk, by=_company(request), reason=form.cleaned_data["reason"], user=request.user
        ),
        _("已提交纠纷处理申请，货款由平台继续担保；客服核实后会裁决并通知双方。"),
    )
    return _detail(pk)


# -- the local test gateway --------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def test_gateway_pay(request, number: str):
    """The test gateway's payment page: the payer confirms (or cancels) the payment."""
    try:
        payment = selectors.payment_get_for_payer(number=number, company=_company(request))
    except NotFound:
        raise Http404
    if payment.gateway != "test":
        raise Http404
    if request.method == "POST":
        if request.POST.get("action") == "confirm":
            try:
                payment = services.payment_confirm_on_test_gateway(
                    number=number, payer=_company(request)
                )
            except NotFound:
                raise Http404
            except DomainError as exc:
                messages.error(request, exc.detail)
                return redirect("trade:test_gateway_pay", number=number)
            if payment.status == payment.Status.SUCCEEDED:
                messages.success(
                    request,
                    _("付款成功：¥%(amount)s（支付单 %(number)s）。")
                    % {"amount": payment.amount, "number": payment.number},
                )
            else:  # e.g. the order expired meanwhile (R-T1a): the money went straight back
                messages.error(
                    request,
                    _("付款未被接受（订单已取消或已超时关闭），¥%(amount)s 已原路退回。")
                    % {"amount": payment.amount},
                )
        else:
            messages.info(request, _("已取消付款，您可以稍后在订单页面重新付款。"))
        target = payment.return_url or reverse("trade:order_list")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = reverse("trade:order_list")
        return redirect(target)
    return render(
        request,
        "trade/test_gateway.html",
        {"payment": payment, "description": selectors.payment_description(payment)},
    )


@csrf_exempt
@require_POST
def payment_notify(request, gateway: str):
    """A provider's server-to-server callback (异步通知). The signature is the guard, so
    there is no CSRF token and no session."""
    try:
        gw = get_gateway(gateway)
    except DomainError:
        raise Http404
    try:
        services.payment_callback_receive(gateway_name=gateway, data=request.POST.dict())
    except DomainError as exc:
        return HttpResponseBadRequest(
            f"{gw.callback_fail_body}: {exc.code}", content_type="text/plain; charset=utf-8"
        )
    return HttpResponse(gw.callback_ok_body, content_type="text/plain; charset=utf-8")


# == TrustPass purchases (R-M2) =========================================================


@login_required
@require_http_methods(["GET", "POST"])
def trustpass_buy(request):
    """R-M2: buy or renew in the back office; payment through the gateway (trade.gateway)."""
    company = user_company(request.user)
    form = TrustPassBuyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            order, payment = trustpass_services.trustpass_purchase_start(
                company=company, years=form.cleaned_data["years"], by=request.user
            )
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            return redirect(payment.pay_url)
    state = member_selectors.company_membership_state(company)
    orders = selectors.company_membership_orders(company)
    return render(
        request,
        "trade/trustpass_buy.html",
        {
            "form": form,
            "company": company,
            "unpaid": selectors.membership_order_unpaid(company),
            "membership": state,
            "price": settings.TRUSTPASS_YEAR_PRICE_YUAN,
            "page_obj": Paginator(orders, 10).get_page(request.GET.get("page")),
        },
    )


@login_required
@require_POST
def trustpass_resume(request, pk: int):
    """继续支付: an unpaid TrustPass order goes to the payment page again (issue 14)."""
    try:
        _order, payment = trustpass_services.trustpass_purchase_resume(
            company=user_company(request.user), order_id=pk
        )
    except NotFound:
        raise Http404
    except DomainError as exc:
        messages.error(request, exc.detail)
        return redirect("trade:trustpass_buy")
    return redirect(payment.pay_url)


@login_required
def trustpass_purchase(request, pk: int):
    """Where the payer comes back to after paying: the order and the period it bought."""
    company = user_company(request.user)
    order = get_object_or_404(
        MembershipOrder.objects.select_related("period"), pk=pk, company=company
    )
    return render(request, "trade/trustpass_purchase.html", {"order": order, "company": company})
