"""Admin of the credit archive: certificate verification (R-C5) with thumbnails, filters and
search; reviews, references and score history read-only. Every decision calls a service."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.shortcuts import render
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from marketplace.exceptions import DomainError

from . import services
from .forms import RejectForm
from .models import Certificate, CreditReference, CreditScore, Review, ScoreHistory


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written only by services: staff look, they do not edit."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ["thumb", "title", "company", "kind", "status", "created_at", "decided_by"]
    list_display_links = ["thumb", "title"]
    list_filter = ["status", "kind", "created_at"]
    search_fields = ["title", "company__member_id", "company__name"]
    list_select_related = ["company", "decided_by"]
    date_hierarchy = "created_at"
    ordering = ["status", "created_at"]
    actions = ["verify_selected", "reject_selected"]
    readonly_fields = [
        "preview",
        "company",
        "kind",
        "title",
        "status",
        "reject_reason",
        "uploaded_by",
        "decided_by",
        "decided_at",
        "created_at",
    ]
    fields = readonly_fields

    def has_add_permission(self, request) -> bool:
        return False  # companies upload in their back office (/my/credit/)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # rejecting keeps the record; deleting would skip the recomputation

    @admin.display(description=_("缩略图"))
    def thumb(self, obj: Certificate):
        source = obj.thumbnail or obj.image
        if not source:
            return "—"
        return format_html(
            '<img src="{}" alt="" style="width:80px;height:60px;object-fit:contain;'
            'border:1px solid #ddd;background:#fafafa">',
            source.url,
        )

    @admin.display(description=_("证书图片"))
    def preview(self, obj: Certificate):
        if not obj.image:
            return "—"
        return format_html(
            '<a href="{0}" target="_blank" rel="noopener"><img src="{0}" alt="" '
            'style="max-width:600px;max-height:600px;border:1px solid #ddd"></a>',
            obj.image.url,
        )

    def _can_decide(self, request) -> bool:
        return request.user.has_perm("credit.verify_certificate")

    @admin.action(description=_("核实所选证书（计入积分）"), permissions=["verify"])
    def verify_selected(self, request, queryset: QuerySet[Certificate]):
        done = 0
        for certificate_id in queryset.values_list("pk", flat=True):
            services.certificate_verify(certificate_id=certificate_id, by=request.user)
            done += 1
        self.message_user(
            request,
            gettext("已核实 %(count)s 张证书，相关企业的信用积分将在几秒内更新。")
            % {"count": done},
        )

    @admin.action(description=_("驳回所选证书（需填写原因）"), permissions=["verify"])
    def reject_selected(self, request, queryset: QuerySet[Certificate]):
        form = RejectForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            done = 0
            for certificate_id in queryset.values_list("pk", flat=True):
                try:
                    services.certificate_reject(
                        certificate_id=certificate_id,
                        reason=form.cleaned_data["reason"],
                        by=request.user,
                    )
                    done += 1
                except DomainError as exc:
                    self.message_user(
                        request,
                        gettext("证书 %(id)s：%(detail)s")
                        % {"id": certificate_id, "detail": exc.detail},
                        messages.WARNING,
                    )
            self.message_user(request, gettext("已驳回 %(count)s 张证书。") % {"count": done})
            return None
        return render(
            request,
            "admin/credit/certificate/reject.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("驳回证书"),
                "certificates": queryset.select_related("company"),
                "form": form,
                "action": "reject_selected",
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                "opts": self.model._meta,
            },
        )

    def has_verify_permission(self, request) -> bool:
        return self._can_decide(request)


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    """Reviews, read-only. R-C4: those left before the rule was put right (e.g. while the
    trade was still paid or shipped) are flagged (filter 待客服核查) with the reason."""

    list_display = [
        "order",
        "reviewer",
        "reviewee",
        "rating",
        "order_status",
        "flagged",
        "flag_reason",
        "created_at",
    ]
    list_filter = ["flagged", "rating", "order__status", "created_at"]
    search_fields = ["reviewer__member_id", "reviewee__member_id", "comment", "order__id"]
    list_select_related = ["reviewer", "reviewee", "order"]
    date_hierarchy = "created_at"
    actions = ["clear_flags"]

    @admin.display(description=_("交易状态"), ordering="order__status")
    def order_status(self, obj: Review) -> str:
        return obj.order.get_status_display()

    @admin.action(description=_("核查完毕：保留所选评价并取消标记"))
    def clear_flags(self, request, queryset: QuerySet[Review]):
        done = services.review_flags_clear(review_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, gettext("已取消 %(count)s 条评价的核查标记。") % {"count": done})


@admin.register(CreditReference)
class CreditReferenceAdmin(ReadOnlyAdmin):
    list_display = ["name", "firm", "relation", "contact", "company", "created_at"]
    search_fields = ["name", "firm", "company__member_id", "company__name"]
    list_select_related = ["company"]
    list_filter = ["created_at"]


@admin.register(ScoreHistory)
class ScoreHistoryAdmin(ReadOnlyAdmin):
    list_display = ["company", "old_score", "new_score", "cause", "created_at"]
    list_filter = ["created_at"]
    search_fields = ["company__member_id", "company__name", "cause"]
    list_select_related = ["company"]
    date_hierarchy = "created_at"


@admin.register(CreditScore)
class CreditScoreAdmin(ReadOnlyAdmin):
    list_display = [
        "company",
        "total",
        "verification",
        "archive_years",
        "reviews",
        "certificates",
        "updated_at",
    ]
    search_fields = ["company__member_id", "company__name"]
    list_select_related = ["company"]
    ordering = ["-total"]
    actions = ["recalculate_selected"]

    @admin.action(description=_("按来源重新计算所选企业的信用积分"))
    def recalculate_selected(self, request, queryset):
        ids = list(queryset.values_list("company_id", flat=True))
        for company_id in ids:
            services.credit_recalculate_on_commit(company_id=company_id, cause="staff")
        self.message_user(
            request, gettext("已安排重新计算 %(count)s 家企业的信用积分。") % {"count": len(ids)}
        )
