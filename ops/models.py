from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class FailedTask(models.Model):
    """A Celery task that failed for good: its retries exhausted, or a task that does not retry
    raised (Celery's `task_failure`). Staff see it in the admin and may re-run it; one row per
    job: a re-run that fails again updates this row, one that succeeds resolves it."""

    class Status(models.TextChoices):
        FAILED = "failed", _("失败")
        RERUN = "rerun", _("已重新运行")
        RESOLVED = "resolved", _("重新运行成功")

    task_id = models.CharField(_("任务 ID（最近一次）"), max_length=255, unique=True)
    task_name = models.CharField(_("任务"), max_length=255, db_index=True)
    queue = models.CharField(_("队列"), max_length=255, blank=True)
    args = models.JSONField(_("位置参数"), default=list, blank=True)
    kwargs = models.JSONField(_("关键字参数"), default=dict, blank=True)
    exception_type = models.CharField(_("异常类型"), max_length=255, blank=True)
    exception_message = models.TextField(_("异常信息"), blank=True)
    traceback = models.TextField(_("调用栈"), blank=True)
    retries = models.PositiveIntegerField(_("已重试次数"), default=0)
    failures = models.PositiveIntegerField(_("失败次数"), default=1)
    request_id = models.CharField(_("请求 ID"), max_length=128, blank=True, db_index=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.FAILED, db_index=True
    )
    first_failed_at = models.DateTimeField(_("首次失败时间"), auto_now_add=True)
    failed_at = models.DateTimeField(_("最近失败时间"), db_index=True)
    reruns = models.PositiveIntegerField(_("重新运行次数"), default=0)
    last_rerun_at = models.DateTimeField(_("最近重新运行时间"), null=True, blank=True)
    last_rerun_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("最近重新运行人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("解决时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("失败的后台任务")
        verbose_name_plural = _("失败的后台任务")
        ordering = ["-failed_at"]
        permissions = [("rerun_failedtask", "Can re-run a failed task")]

    def __str__(self) -> str:
        return f"{self.task_name}[{self.task_id}]"
