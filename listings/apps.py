from django.apps import AppConfig


class ListingsConfig(AppConfig):
    name = "listings"
    verbose_name = "供求信息"

    def ready(self):
        # Search (R-S2): membership changes update the stored TrustPass key; the beat task.
        from . import search_signals, search_tasks  # noqa: F401
