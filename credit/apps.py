from django.apps import AppConfig


class CreditConfig(AppConfig):
    """The credit archive. Other apps call `credit.services.credit_recalculate_on_commit`
    inside the transaction of every event that touches a score source (R-C7):
    membership and verification services in members, reviews and certificates here."""

    name = "credit"
    verbose_name = "诚信档案"
