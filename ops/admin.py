"""Failed tasks in the admin: read-only rows, filtered and searched; the one action re-sends
the selected tasks with their arguments (`ops.failures.failed_task_rerun`), for staff with the
`ops.rerun_failedtask` permission."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .failures import failed_task_rerun
from .models import FailedTask


@admin.register(FailedTask)
class FailedTaskAdmin(admin.ModelAdmin):
    list_display = [
        "task_name",
        "status",
        "queue",
        "exception_type",
        "short_message",
        "failures",
        "retries",
        "reruns",
        "failed_at",
    ]
    list_filter = ["status", "task_name", "queue", "exception_type", "failed_at"]
    search_fields = [
        "task_name",
        "=task_id",
        "=request_id",
        "exception_type",
        "exception_message",
    ]
    date_hierarchy = "failed_at"
    list_select_related = ["last_rerun_by"]
    actions = ["rerun_selected"]

    @admin.display(description=_("异常信息"))
    def short_message(self, obj: FailedTask) -> str:
        text = obj.exception_message or ""
        return text if len(text) <= 80 else f"{text[:79]}…"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # the rows are what happened: the change page is a read-only view

    def has_rerun_permission(self, request) -> bool:
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.rerun_{opts.model_name}")

    @admin.action(description=_("重新运行选中的任务（按原参数重新发送）"), permissions=["rerun"])
    def rerun_selected(self, request, queryset):
        done = 0
        for pk in queryset.values_list("pk", flat=True):
            failed_task_rerun(failed_task_id=pk, by=request.user)
            done += 1
        self.message_user(
            request,
            ngettext("已重新发送 %(count)d 个任务。", "已重新发送 %(count)d 个任务。", done)
            % {"count": done},
            messages.SUCCESS,
        )
