"""The audit log of staff decisions (issue 15): one row per decision, never changed.

A row names who decided (the staff account, or none for the system's automatic decisions),
when, what was decided (`action`) on which row (`target_type`/`target_id`, with a label
kept as it was), for which company, and why (`reason`, plus structured `details`). The
rows of other apps are referred to by label and id, not by foreign key: deleting a listing
or a company never touches its history, and this app imports no other.

Append-only three times over: the model refuses to save a row twice or delete one; the
queryset refuses bulk `update()` and `delete()`; and the database refuses any UPDATE or
DELETE of the table (trigger, migration 0001), whoever asks.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditLogIsAppendOnly(Exception):
    """Raised on any attempt to change or delete an audit row through the ORM."""


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditLogIsAppendOnly(_("操作审计记录不能修改。"))

    def delete(self):
        raise AuditLogIsAppendOnly(_("操作审计记录不能删除。"))

    update.queryset_only = True
    delete.queryset_only = True

    def by_staff(self):
        return self.filter(actor__is_staff=True)

    def by_members(self):
        """Made by a member's own act (a TrustPass year bought online, by its buyer)."""
        return self.filter(actor__isnull=False, actor__is_staff=False)

    def automatic(self):
        return self.filter(actor__isnull=True)


class AuditEntry(models.Model):
    class Action(models.TextChoices):
        LISTING_APPROVE = "listing.approve", _("信息审核通过")
        LISTING_REJECT = "listing.reject", _("信息驳回")
        LISTING_WITHDRAW = "listing.withdraw", _("信息下架（客服）")
        VERIFICATION_APPROVE = "verification.approve", _("身份认证通过")
        VERIFICATION_REJECT = "verification.reject", _("身份认证驳回")
        VERIFICATION_REVOKE = "verification.revoke", _("身份认证撤销")
        MEMBERSHIP_GRANT = "membership.grant", _("开通诚信通会员期")
        MEMBERSHIP_UPDATE = "membership.update", _("修改诚信通会员期")
        MEMBERSHIP_DELETE = "membership.delete", _("删除诚信通会员期")
        REPORT_CLOSE = "report.close", _("处理举报")
        DISPUTE_DECIDE = "dispute.decide", _("裁决交易纠纷")
        ORDER_REFUND = "order.refund", _("客服退款")
        COMPANY_CHANGE_APPROVE = "company_change.approve", _("批准企业资料变更")
        COMPANY_CHANGE_REJECT = "company_change.reject", _("驳回企业资料变更")
        CERTIFICATE_VERIFY = "certificate.verify", _("证书核实")
        CERTIFICATE_REJECT = "certificate.reject", _("证书驳回")

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        # A decision's author stays: deactivate a staff account, do not delete it.
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
        help_text=_("空：系统自动决定（如自动检查）。"),
    )
    actor_name = models.CharField(_("操作人账号"), max_length=150)
    action = models.CharField(_("操作"), max_length=40, choices=Action.choices, db_index=True)
    target_type = models.CharField(_("对象类型"), max_length=100)
    target_id = models.CharField(_("对象 ID"), max_length=64)
    target_label = models.CharField(_("对象"), max_length=200)
    company_id = models.BigIntegerField(_("企业 ID"), null=True, blank=True, db_index=True)
    company_label = models.CharField(_("企业"), max_length=200, blank=True)
    reason = models.TextField(_("原因"), blank=True)
    details = models.JSONField(_("详情"), default=dict, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("操作审计记录")
        verbose_name_plural = _("操作审计记录")
        ordering = ["-at", "-id"]
        # Staff may be allowed to look, never to add, change or delete (not even in theory).
        default_permissions = ("view",)
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target_idx")]

    def __str__(self) -> str:
        return f"{self.actor_name} · {self.get_action_display()} · {self.target_label}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditLogIsAppendOnly(_("操作审计记录不能修改。"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogIsAppendOnly(_("操作审计记录不能删除。"))
