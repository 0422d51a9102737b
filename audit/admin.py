"""The audit log in the admin: staff browse, filter and search it; nobody adds, changes or
deletes a row here (superusers included: the permissions are refused outright, and the
database refuses the statements anyway)."""

from __future__ import annotations

import json

from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import AuditEntry


class ActorKindFilter(admin.SimpleListFilter):
    title = _("决定方")
    parameter_name = "by"

    def lookups(self, request, model_admin):
        return [
            ("staff", _("客服")),
            ("member", _("会员（如在线购买）")),
            ("system", _("系统自动")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "staff":
            return queryset.by_staff()
        if self.value() == "member":
            return queryset.by_members()
        if self.value() == "system":
            return queryset.automatic()
        return queryset


class TargetTypeFilter(admin.SimpleListFilter):
    title = _("对象类型")
    parameter_name = "target_type"

    def lookups(self, request, model_admin):
        labels = AuditEntry.objects.order_by().values_list("target_type", flat=True).distinct()
        return sorted((label, _model_name(label)) for label in labels)

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(target_type=self.value())
        return queryset


def _model_name(label: str) -> str:
    from django.apps import apps

    try:
        return apps.get_model(label)._meta.verbose_name
    except (LookupError, ValueError):
        return label


def _admin_change_url(label: str, pk) -> str | None:
    app_label, _dot, model_name = label.partition(".")
    try:
        return reverse(f"admin:{app_label}_{model_name}_change", args=[pk])
    except NoReverseMatch:
        return None


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = (
        "at",
        "actor_display",
        "action",
        "target_kind",
        "target_link",
        "company_link",
        "short_reason",
    )
    list_display_links = ("at",)
    list_filter = (ActorKindFilter, "action", TargetTypeFilter, "at")
    search_fields = (
        "actor_name",
        "target_label",
        "=target_id",
        "company_label",
        "reason",
    )
    date_hierarchy = "at"
    list_per_page = 50
    actions = None
    fields = (
        "at",
        "actor_display",
        "action",
        "target_kind",
        "target_link",
        "company_link",
        "reason",
        "details_display",
    )
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("操作人"), ordering="actor_name")
    def actor_display(self, obj: AuditEntry) -> str:
        if obj.actor_id is None:
            return format_html('<span class="audit-system">{}</span>', gettext(obj.actor_name))
        return obj.actor_name

    @admin.display(description=_("对象类型"), ordering="target_type")
    def target_kind(self, obj: AuditEntry) -> str:
        return _model_name(obj.target_type)

    @admin.display(description=_("对象"), ordering="target_label")
    def target_link(self, obj: AuditEntry):
        url = _admin_change_url(obj.target_type, obj.target_id)
        text = f"{obj.target_label} (#{obj.target_id})"
        return format_html('<a href="{}">{}</a>', url, text) if url else text

    @admin.display(description=_("企业"), ordering="company_label")
    def company_link(self, obj: AuditEntry):
        if obj.company_id is None:
            return "—"
        url = _admin_change_url("members.company", obj.company_id)
        text = obj.company_label or f"#{obj.company_id}"
        return format_html('<a href="{}">{}</a>', url, text) if url else text

    @admin.display(description=_("原因"))
    def short_reason(self, obj: AuditEntry) -> str:
        text = obj.reason or "—"
        return text if len(text) <= 60 else f"{text[:59]}…"

    @admin.display(description=_("详情"))
    def details_display(self, obj: AuditEntry):
        if not obj.details:
            return "—"
        return format_html(
            '<pre style="white-space:pre-wrap;margin:0">{}</pre>',
            json.dumps(obj.details, ensure_ascii=False, indent=2, sort_keys=True, default=str),
        )
