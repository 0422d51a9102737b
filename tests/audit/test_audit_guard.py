"""Issue 15: nobody edits or deletes the audit log: not the ORM, not raw SQL (the PostgreSQL
trigger refuses UPDATE and DELETE), not a superuser in the admin, where staff may only
browse, filter and search it."""

import pytest
from django.contrib.auth.models import Permission
from django.db import DatabaseError, connection, transaction
from django.db.models.deletion import ProtectedError
from django.test import Client

from audit.models import AuditEntry, AuditLogIsAppendOnly
from audit.services import audit_record
from listings import services as listing_services
from tests.audit.conftest import pending_listing
from tests.factories import CompanyFactory, ListingFactory, UserFactory

pytestmark = pytest.mark.django_db
A = AuditEntry.Action
LIST = "/admin/audit/auditentry/"


@pytest.fixture
def entry(staff):
    listing = pending_listing()
    listing_services.listing_approve(listing=listing, by=staff)
    return AuditEntry.objects.get()


# --- the database and the ORM -------------------------------------------------------------


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditentry SET reason = 'changed' WHERE id = %s",
        "UPDATE audit_auditentry SET actor_id = NULL WHERE id = %s",
        "DELETE FROM audit_auditentry WHERE id = %s",
    ],
)
def test_the_database_refuses_update_and_delete(entry, sql):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [entry.pk])
    fresh = AuditEntry.objects.get(pk=entry.pk)
    assert fresh.reason == entry.reason and fresh.actor_id == entry.actor_id


def test_the_trigger_is_in_place():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_auditentry'::regclass "
            "AND NOT tgisinternal ORDER BY tgname"
        )
        names = [row[0] for row in cursor.fetchall()]
    assert names == ["audit_auditentry_no_delete", "audit_auditentry_no_update"]


def test_the_orm_refuses_too(entry):
    entry.reason = "changed"
    with pytest.raises(AuditLogIsAppendOnly):
        entry.save()
    with pytest.raises(AuditLogIsAppendOnly):
        entry.delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).update(reason="changed")
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(pk=entry.pk).reason == ""


def test_the_author_of_a_decision_cannot_be_deleted(entry, staff):
    """Deactivate a moderator's account; deleting it would orphan the decisions."""
    with pytest.raises(ProtectedError):
        staff.delete()


def test_deleting_the_object_keeps_its_history(staff):
    company = CompanyFactory()
    listing = ListingFactory(company=company)
    listing_services.listing_withdraw(listing=listing, by=staff, reason="违规")
    listing.delete()
    company.delete()
    entry = AuditEntry.objects.get()
    assert entry.target_label == listing.title and company.member_id in entry.company_label


# --- the admin -------------------------------------------------------------------------------


def test_superuser_can_browse_but_not_add_change_or_delete(admin_client, entry):
    page = admin_client.get(LIST)
    assert page.status_code == 200
    html = page.content.decode()
    assert entry.target_label in html and "moderator" in html
    assert 'name="action"' not in html  # no bulk actions, not even delete
    assert "/admin/audit/auditentry/add/" not in html
    assert admin_client.get(f"{LIST}add/").status_code == 403
    change = admin_client.get(f"{LIST}{entry.pk}/change/")
    assert change.status_code == 200  # a read-only view
    assert 'type="submit"' not in change.content.decode().split('id="content-main"')[1]
    posted = admin_client.post(f"{LIST}{entry.pk}/change/", {"reason": "changed"})
    assert posted.status_code == 403
    assert admin_client.get(f"{LIST}{entry.pk}/delete/").status_code == 403
    assert admin_client.post(f"{LIST}{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    bulk = admin_client.post(
        LIST, {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"}
    )
    assert bulk.status_code in (200, 302)
    assert AuditEntry.objects.filter(pk=entry.pk, reason="").exists()


def test_only_the_view_permission_exists():
    codenames = set(
        Permission.objects.filter(content_type__app_label="audit").values_list(
            "codename", flat=True
        )
    )
    assert codenames == {"view_auditentry"}


def test_staff_with_the_view_permission_filter_and_search(staff):
    clerk = UserFactory(is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_auditentry"))
    client = Client()
    client.force_login(clerk)
    approved = pending_listing(title="无缝钢管")
    listing_services.listing_approve(listing=approved, by=staff)
    rejected = pending_listing(title="焊接钢管")
    listing_services.listing_reject(listing=rejected, by=staff, codes=["english_only"])
    audit_record(action=A.LISTING_REJECT, target=ListingFactory(title="系统驳回的钢管"))

    def count(query: str) -> int:
        response = client.get(f"{LIST}?{query}")
        assert response.status_code == 200
        return response.context["cl"].result_count

    assert count("") == 3
    assert count("action__exact=listing.reject") == 2
    assert count("by=staff") == 2
    assert count("by=system") == 1
    assert count("target_type=listings.listing") == 3
    assert count("q=焊接") == 1
    assert count(f"q={approved.company.member_id}") == 1
    assert count(f"q={approved.pk}") >= 1  # the object id, exactly
    # The clerk cannot change anything either.
    entry = AuditEntry.objects.first()
    assert client.post(f"{LIST}{entry.pk}/change/", {"reason": "x"}).status_code == 403


def test_staff_without_the_permission_do_not_see_the_log():
    clerk = UserFactory(is_staff=True)
    client = Client()
    client.force_login(clerk)
    assert client.get(LIST).status_code == 403
