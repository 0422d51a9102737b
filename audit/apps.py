from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    """The staff decisions' audit log (issue 15): who decided what, when and why.

    Below every product app (only the shared kernel beneath it), so that each app's services
    write their decisions here inside the decision's own transaction: the admin, the API,
    Celery tasks and management commands alike. Append-only: the database refuses an UPDATE
    or DELETE of its rows (trigger, migration 0001), and the admin shows them read only.
    """

    name = "audit"
    verbose_name = _("操作审计")
    default_auto_field = "django.db.models.BigAutoField"
