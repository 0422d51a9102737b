"""The staff console (issue 15): Django's admin with an index that leads with the work
waiting, and bulk actions in the order staff use them.

`StaffAdminConfig` replaces `django.contrib.admin` in INSTALLED_APPS and names
`StaffAdminSite` as the default site, so `admin.site`, `@admin.register` and every
`admin:` URL name stay as they were. Composition root: the index counts the queues of
several apps (`marketplace.staff_console`), imported when the index is drawn (this module is
imported while the app registry is still loading, before any model may be).
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig


class StaffAdminConfig(AdminConfig):
    default_site = "marketplace.admin_site.StaffAdminSite"


class DeleteLastMixin:
    """The "delete selected" action (site-wide, so Django lists it first) goes last, after the
    admin's own decisions (approve, reject, …). Admins where deleting is wrong refuse the
    delete permission, and the action is not offered at all."""

    def get_actions(self, request):
        actions = super().get_actions(request)
        delete = actions.pop("delete_selected", None)
        if delete is not None:
            actions["delete_selected"] = delete
        return actions


def _with_delete_last(admin_class):
    if issubclass(admin_class, DeleteLastMixin):
        return admin_class
    return type(
        admin_class.__name__,
        (DeleteLastMixin, admin_class),
        {
            "__module__": admin_class.__module__,
            "__qualname__": admin_class.__qualname__,
            "__doc__": admin_class.__doc__,
        },
    )


#: The marketplace's own apps first, in the order of the work (the rest keep Django's order,
#: by name, after them: accounts, tokens, sign-in lockouts).
APP_ORDER = (
    "listings",
    "members",
    "inquiries",
    "trade",
    "credit",
    "storefront",
    "search",
    "audit",
    "ops",
)


class StaffAdminSite(admin.AdminSite):
    # The index is the console; the sidebar repeating it took a fifth of a changelist's width
    # at 1366 px and pushed the queue's columns off screen.
    enable_nav_sidebar = False

    def get_app_list(self, request, app_label=None):
        apps = super().get_app_list(request, app_label)
        rank = {label: i for i, label in enumerate(APP_ORDER)}
        return sorted(apps, key=lambda app: rank.get(app["app_label"], len(rank)))

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = _with_delete_last(admin_class or admin.ModelAdmin)
        return super().register(model_or_iterable, admin_class, **options)

    def index(self, request, extra_context=None):
        from . import staff_console

        context = {
            "work_queue": staff_console.work_queue(self, request),
            "recent_decisions": staff_console.recent_decisions(self, request),
            "audit_log_url": staff_console.audit_log_url(self, request),
            **(extra_context or {}),
        }
        return super().index(request, context)
