"""MembershipOrder moved from members to trade without touching its table (members 0003,
trade 0003): a database migrated forward keeps every order, and the content type keeps its
id under the new app label, so admin log entries and permissions follow."""

from decimal import Decimal

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from members.models import User
from trade.models import MembershipOrder

BEFORE = [
    ("members", "0002_verification_reminders_orders"),
    ("trade", "0002_payments_and_shipping"),
]


def _migrate(targets):
    """Migrate the database to `targets`; the models as they are there (with admin's)."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    admin = [node for node in executor.loader.graph.leaf_nodes() if node[0] == "admin"]
    return executor.loader.project_state(targets + admin).apps


@pytest.mark.django_db(transaction=True)
def test_orders_and_their_content_type_survive_the_move():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        old = _migrate(BEFORE)
        assert "members_membershiporder" in connection.introspection.table_names()
        Company = old.get_model("members", "Company")
        Period = old.get_model("members", "TrustPassPeriod")
        OldOrder = old.get_model("members", "MembershipOrder")
        OldContentType = old.get_model("contenttypes", "ContentType")
        OldPermission = old.get_model("auth", "Permission")
        OldLogEntry = old.get_model("admin", "LogEntry")
        OldUser = old.get_model("members", "User")

        company = Company.objects.create(
            member_id="movedco", name="搬家测试有限公司", contact_name="王", phone="1"
        )
        period = Period.objects.create(
            company=company, starts_on="2026-03-01", ends_on="2027-03-01", source="order"
        )
        paid = OldOrder.objects.create(
            company=company,
            years=1,
            amount=Decimal("2800.00"),
            status="paid",
            payment_ref="P2026TEST",
            period=period,
        )
        open_order = OldOrder.objects.create(company=company, years=2, amount=Decimal("5600"))
        # As on a live database: the content type, a permission granted on it, a log entry.
        OldContentType.objects.filter(model="membershiporder").delete()
        content_type = OldContentType.objects.create(app_label="members", model="membershiporder")
        permission = OldPermission.objects.create(
            content_type=content_type, codename="view_membershiporder", name="Can view"
        )
        staff = OldUser.objects.create(username="ops", is_staff=True)
        staff.user_permissions.add(permission)
        entry = OldLogEntry.objects.create(
            user=staff,
            content_type=content_type,
            object_id=str(paid.pk),
            object_repr="诚信通订购",
            action_flag=2,
            action_time="2026-03-01T00:00:00Z",
        )

        _migrate(latest)
        ContentType.objects.clear_cache()

        moved = MembershipOrder.objects.order_by("pk")
        assert [(o.pk, o.status, o.amount, o.years) for o in moved] == [
            (paid.pk, "paid", Decimal("2800.00"), 1),
            (open_order.pk, "created", Decimal("5600.00"), 2),
        ]
        first = moved[0]
        assert first.company.member_id == "movedco" and first.period_id == period.pk
        assert first.payment_ref == "P2026TEST" and first.period.order == first
        content_type_now = ContentType.objects.get(pk=content_type.pk)
        assert (content_type_now.app_label, content_type_now.model) == ("trade", "membershiporder")
        assert ContentType.objects.get_for_model(MembershipOrder).pk == content_type.pk
        assert not ContentType.objects.filter(app_label="members", model="membershiporder")
        assert LogEntry.objects.get(pk=entry.pk).content_type_id == content_type.pk
        assert Permission.objects.get(pk=permission.pk).content_type_id == content_type.pk
        assert User.objects.get(pk=staff.pk).has_perm("trade.view_membershiporder")

        # And back: the reverse migration gives the content type back to members.
        _migrate(BEFORE)
        assert OldContentType.objects.get(pk=content_type.pk).app_label == "members"
        assert OldOrder.objects.count() == 2
    finally:
        _migrate(latest)
        ContentType.objects.clear_cache()
