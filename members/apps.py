from django.apps import AppConfig


class MembersConfig(AppConfig):
    """Users, companies, TrustPass periods, privileges, identity verification, notices.

    The ground floor: members imports no other app. The apps above hear of changes through
    `members.signals` and add their parts to the dashboard through `members.dashboard`.
    """

    name = "members"
    verbose_name = "会员与企业"
