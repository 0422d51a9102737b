from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    """Users, companies, TrustPass periods, privileges, identity verification, notices.

    The ground floor: members imports no other app. The apps above hear of changes through
    `members.signals` and add their parts to the dashboard through `members.dashboard`.
    """

    name = "members"
    verbose_name = _("会员与企业")

    def ready(self):
        from .dashboard import register_dashboard_panel

        # Issue 14: the account's role, the company profile and colleagues.
        register_dashboard_panel(
            "company_team", template="members/company/_dashboard_card.html", order=5
        )
