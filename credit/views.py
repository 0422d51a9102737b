"""Pages of the credit archive: the public 诚信档案 and the member's back office /my/credit/."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from marketplace.exceptions import DomainError
from marketplace.forms import form_add_domain_error
from members.models import Company
from members.selectors import user_company

from . import selectors, services
from .forms import CertificateForm, ReferenceForm, ReviewForm
from .models import Rating

REVIEWS_PER_PAGE = 10
HISTORY_ON_PAGE = 20


def archive(request, member_id: str):
    """诚信档案 (R-C1): score and breakdown, verification, archive years, reviews, certificates,
    references, activity record and score history."""
    company = get_object_or_404(Company, member_id=member_id)
    archive = selectors.credit_archive(company)
    rating = request.GET.get("rating", "")
    reviews = selectors.reviews_received(company)
    if rating in Rating.values:
        reviews = reviews.filter(rating=rating)
    else:
        rating = ""
    page_obj = Paginator(reviews, REVIEWS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "credit/archive.html",
        {
            "company": company,
            "archive": archive,
            "page_obj": page_obj,
            "rating": rating,
            "ratings": Rating.choices,
            "history": selectors.score_history(company)[:HISTORY_ON_PAGE],
        },
    )


def _back_office(request, *, certificate_form=None, reference_form=None, status=200):
    company = user_company(request.user)
    return render(
        request,
        "credit/my_credit.html",
        {
            "company": company,
            "archive": selectors.credit_archive(company),
            "certificates": selectors.certificates_own(company),
            "references": selectors.references_of(company),
            "history": selectors.score_history(company)[:HISTORY_ON_PAGE],
            "certificate_form": certificate_form or CertificateForm(),
            "reference_form": reference_form or ReferenceForm(),
        },
        status=status,
    )


@login_required
def my_credit(request):
    """Back office 诚信档案管理: certificates, references, own score."""
    return _back_office(request)


@login_required
@require_POST
def certificate_upload(request):
    company = user_company(request.user)
    form = CertificateForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.certificate_upload(
                company=company,
                kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"],
                image=form.cleaned_data["image"],
                by=request.user,
            )
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(request, _("证书已上传，工作人员核实后将计入信用积分。"))
            return redirect("credit:my_credit")
    return _back_office(request, certificate_form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def certificate_delete(request, certificate_id: int):
    company = user_company(request.user)
    certificate = get_object_or_404(selectors.certificates_own(company), pk=certificate_id)
    if request.method == "POST":
        services.certificate_delete(company=company, certificate_id=certificate.pk)
        messages.success(request, _("证书“%(title)s”已删除。") % {"title": certificate.title})
        return redirect("credit:my_credit")
    return render(
        request,
        "credit/confirm_delete.html",
        {
            "what": _("证书“%(title)s”") % {"title": certificate.title},
            "warning": _("已核实的证书删除后，其积分将一并扣除。")
            if certificate.status == "verified"
            else "",
        },
    )


@login_required
@require_POST
def reference_add(request):
    company = user_company(request.user)
    form = ReferenceForm(request.POST)
    if form.is_valid():
        try:
            services.reference_add(company=company, **form.cleaned_data)
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(request, _("资信参考人已添加。"))
            return redirect("credit:my_credit")
    return _back_office(request, reference_form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def reference_delete(request, reference_id: int):
    company = user_company(request.user)
    reference = get_object_or_404(selectors.references_of(company), pk=reference_id)
    if request.method == "POST":
        services.reference_remove(company=company, reference_id=reference.pk)
        messages.success(request, _("资信参考人“%(name)s”已删除。") % {"name": reference.name})
        return redirect("credit:my_credit")
    return render(
        request,
        "credit/confirm_delete.html",
        {
            "what": _("资信参考人“%(name)s（%(firm)s）”")
            % {"name": reference.name, "firm": reference.firm},
            "warning": "",
        },
    )


@login_required
@require_POST
def review_create(request, order_id: int):
    """The review form on the order page posts here (R-C4), then returns to the order."""
    company = getattr(request.user, "company", None)
    form = ReviewForm(request.POST)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("trade:order_detail", kwargs={"pk": order_id})
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(target)
    try:
        services.review_record(
            order_id=order_id,
            reviewer=company,
            rating=form.cleaned_data["rating"],
            comment=form.cleaned_data["comment"],
            author=request.user,
        )
    except DomainError as exc:
        if exc.status_code == 404:
            raise Http404(exc.detail)
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("评价已提交，对方的信用积分将在几秒内更新。"))
    return redirect(target)
