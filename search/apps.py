from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "搜索"

    def ready(self) -> None:
        # Answers the lower apps' signals (listing and membership changes, R-S2).
        from . import receivers  # noqa: F401
