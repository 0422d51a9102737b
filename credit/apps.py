from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    """The credit archive. Every event that touches a score source calls
    `credit.services.credit_recalculate_on_commit` inside its transaction (R-C7): reviews and
    certificates here; membership and verification changes (members.signals) and settled
    trades (trade.signals) through credit/receivers.py."""

    name = "credit"
    verbose_name = _("诚信档案")

    def ready(self) -> None:
        # Imported here, not at the top: Django imports apps.py while it fills the app
        # registry, before models may be imported (receivers import the services and models).
        from . import receivers

        receivers.connect()
