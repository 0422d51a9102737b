"""商铺管理 in the member's back office: banner, introduction, featured listings (R-F1) and
域名管理 › 免费域名注册 (R-F2). Thin: every change goes through storefront.services."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from listings.models import Listing
from marketplace.exceptions import DomainError
from marketplace.forms import form_add_domain_error
from members import privileges
from members.selectors import user_company

from . import selectors, services
from .forms import DomainCheckForm, FeaturedForm, ImageUploadForm, ShopSettingsForm
from .models import IntroductionImage
from .views import Shop


def _base_context(request, company, tab: str) -> dict:
    return {
        "company": company,
        "tab": tab,
        "is_trustpass": privileges.storefront_online(company),
        "shop": Shop(request, company),
    }


@login_required
@require_http_methods(["GET", "POST"])
def settings_edit(request):
    company = user_company(request.user)
    row = selectors.shop_settings(company)
    form = ShopSettingsForm(
        request.POST or None, initial={"slogan": row.slogan, "introduction": row.introduction}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.shop_settings_update(
                company=company,
                slogan=form.cleaned_data["slogan"],
                introduction=form.cleaned_data["introduction"],
            )
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(
                request, _("商铺设置已保存。不安全的内容（脚本、事件属性等）已被自动删除。")
            )
            return redirect("storefront:manage")
    context = _base_context(request, company, "settings")
    context.update(
        form=form,
        settings_row=row,
        upload_form=ImageUploadForm(),
        images=IntroductionImage.objects.filter(company=company)[:50],
    )
    return render(request, "storefront/manage/settings.html", context)


@login_required
@require_POST
def banner_upload(request):
    company = user_company(request.user)
    form = ImageUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("请选择要上传的横幅图片。"))
    else:
        try:
            services.shop_banner_set(company=company, upload=form.cleaned_data["image"])
        except DomainError as exc:
            messages.error(request, exc.detail)
        else:
            messages.success(request, _("商铺横幅已更新。"))
    return redirect("storefront:manage")


@login_required
@require_POST
def banner_remove(request):
    services.shop_banner_remove(company=user_company(request.user))
    messages.success(request, _("商铺横幅已删除，商铺将显示默认横幅。"))
    return redirect("storefront:manage")


@login_required
@require_POST
def image_upload(request):
    company = user_company(request.user)
    form = ImageUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("请选择要上传的图片。"))
    else:
        try:
            image = services.introduction_image_upload(
                company=company, upload=form.cleaned_data["image"]
            )
        except DomainError as exc:
            messages.error(request, exc.detail)
        else:
            messages.success(
                request,
                _('图片已上传。在公司介绍中插入：<img src="%(url)s" alt="图片说明">')
                % {"url": image.image.url},
            )
    return redirect(reverse("storefront:manage") + "#images")


@login_required
@require_POST
def image_delete(request, image_id: int):
    try:
        services.introduction_image_delete(company=user_company(request.user), image_id=image_id)
    except DomainError as exc:
        raise Http404(exc.detail)
    messages.success(request, _("图片已删除；公司介绍中引用它的位置将不再显示该图片。"))
    return redirect(reverse("storefront:manage") + "#images")


@login_required
@require_http_methods(["GET", "POST"])
def featured_edit(request):
    company = user_company(request.user)
    live = list(
        Listing.objects.live()
        .filter(company=company, kind=Listing.Kind.SUPPLY)
        .order_by("-published_at", "-id")[:200]
    )
    choices = [(str(li.pk), li.title) for li in live]
    current = [str(i) for i in selectors.featured_ids(company)]
    form = FeaturedForm(request.POST or None, choices=choices, initial={"listings": current})
    if request.method == "POST" and form.is_valid():
        try:
            services.featured_set(
                company=company, listing_ids=[int(i) for i in form.cleaned_data["listings"]]
            )
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(request, _("推荐产品已保存。"))
            return redirect("storefront:featured")
    context = _base_context(request, company, "featured")
    context.update(form=form, live=live)
    return render(request, "storefront/manage/featured.html", context)


@login_required
def domain_manage(request):
    """域名管理 › 免费域名注册: check a name against .cn, .com.cn, .net.cn or all three."""
    company = user_company(request.user)
    form = DomainCheckForm(request.GET or None)
    results = None
    if form.is_bound and form.is_valid():
        try:
            results = selectors.domain_check(
                name=form.cleaned_data["name"],
                suffix=form.cleaned_data["suffix"],
                company=company,
            )
        except DomainError as exc:
            form_add_domain_error(form, exc)
    context = _base_context(request, company, "domain")
    context.update(
        form=form,
        results=results,
        domain=selectors.company_domain(company),
        can_register=privileges.can_register_domain(company),
        typed_name=form.cleaned_data.get("name", "") if form.is_bound and form.is_valid() else "",
    )
    return render(request, "storefront/manage/domain.html", context)


@login_required
@require_POST
def domain_register(request):
    company = user_company(request.user)
    name = request.POST.get("name", "")
    suffix = request.POST.get("suffix", "")
    try:
        domain = services.domain_register(company=company, name=name, suffix=suffix)
    except DomainError as exc:
        messages.error(request, exc.detail)
        query = urlencode({"name": name, "suffix": suffix or "all"})
        return redirect(reverse("storefront:domain") + "?" + query)
    messages.success(
        request,
        _(
            "恭喜！域名 %(domain)s 注册成功（注册编号 %(ref)s），"
            "商铺已可通过该域名访问（域名解析请指向平台服务器）。"
        )
        % {"domain": domain.display_name, "ref": domain.registrar_ref},
    )
    return redirect("storefront:domain")
