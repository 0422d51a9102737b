from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    name = "ops"
    verbose_name = _("运维")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Celery's and Django's signals, in the web processes and the workers alike (a worker
        # sets Django up before it takes its first task).
        from . import broker, failures, metrics, request_id

        request_id.connect()
        failures.connect()
        broker.connect()
        metrics.connect()
