"""Issue 13: the inquiry models moved from listings to inquiries without touching their
tables (inquiries 0001, listings 0009), and listings 0010 stamps the indexed listings. A
database migrated forward from before the split keeps every row, the content types keep
their ids under the new app label, and the search sweep finds only the unindexed listing."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from inquiries.models import Favourite, Inquiry, InquiryMessage, ListingReport, ListingView, Quote
from listings.models import Listing
from members.models import User
from search import index

# members at 0003: the columns added since (logo, role, …) have no database default.
BEFORE = [
    ("members", "0003_membershiporder_to_trade"),
    ("listings", "0008_search_top_slice"),
    ("inquiries", None),
]
MOVED = ["inquiry", "inquirymessage", "quote", "listingview", "favourite", "listingreport"]


def _migrate(targets):
    """Migrate the database to `targets`; the models as they are there (with admin's)."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    state_targets = [t for t in targets if t[1] is not None]
    admin = [node for node in executor.loader.graph.leaf_nodes() if node[0] == "admin"]
    return executor.loader.project_state(state_targets + admin).apps


@pytest.mark.django_db(transaction=True)
def test_inquiry_rows_and_content_types_survive_the_move():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        old = _migrate(BEFORE)
        assert "listings_inquiry" in connection.introspection.table_names()
        get = old.get_model
        Company, OldUser = get("members", "Company"), get("members", "User")
        Category, OldListing = get("listings", "Category"), get("listings", "Listing")
        OldContentType, OldPermission = (
            get("contenttypes", "ContentType"),
            get("auth", "Permission"),
        )
        now = timezone.now()

        seller = Company.objects.create(
            member_id="sellco", name="卖家公司", contact_name="王", phone="1"
        )
        buyer = Company.objects.create(
            member_id="buyco", name="买家公司", contact_name="李", phone="2"
        )
        user = OldUser.objects.create(username="buyer1", company=buyer)
        parent = Category.objects.create(name="冶金矿产", slug="metal")
        leaf = Category.objects.create(name="钢管", slug="pipe", parent=parent)
        common = {"company": seller, "category": leaf, "keyword": "钢管", "description": "说明"}
        supply = OldListing.objects.create(
            title="无缝钢管", status="live", published_at=now, search_document="'钢':1", **common
        )
        unindexed = OldListing.objects.create(
            title="焊接钢管", status="live", published_at=now, **common
        )
        lead = OldListing.objects.create(title="求购钢管", kind="demand", status="live", **common)
        thread = get("listings", "Inquiry").objects.create(
            listing=supply, subject="无缝钢管", buyer=buyer, seller=seller, last_message_at=now
        )
        message = get("listings", "InquiryMessage").objects.create(
            inquiry=thread, kind="quote", sender=user, sender_company=buyer,
            recipient_company=seller, body="请报价", quantity=5,
        )  # fmt: skip
        get("listings", "Quote").objects.create(
            message=message, listing=lead, company=buyer, unit_price=Decimal("12.50"), quantity=5
        )
        get("listings", "ListingView").objects.create(
            listing=supply, day=date(2026, 12, 1), visitor="u:1"
        )
        get("listings", "Favourite").objects.create(user=user, listing=supply)
        get("listings", "Favourite").objects.create(user=user, company=seller)
        get("listings", "ListingReport").objects.create(
            listing=supply, reporter=user, reason="fake"
        )
        # As on a live database: content types, a permission granted on one, a log entry.
        OldContentType.objects.filter(model__in=MOVED).delete()
        types = {m: OldContentType.objects.create(app_label="listings", model=m) for m in MOVED}
        permission = OldPermission.objects.create(
            content_type=types["listingreport"], codename="change_listingreport", name="Can change"
        )
        staff = OldUser.objects.create(username="ops", is_staff=True)
        staff.user_permissions.add(permission)
        entry = get("admin", "LogEntry").objects.create(
            user=staff, content_type=types["inquiry"], object_id=str(thread.pk),
            object_repr="询盘", action_flag=2, action_time=now,
        )  # fmt: skip

        _migrate(latest)
        ContentType.objects.clear_cache()

        moved_thread = Inquiry.objects.get(pk=thread.pk)
        assert (moved_thread.listing_id, moved_thread.buyer_id, moved_thread.seller_id) == (
            supply.pk,
            buyer.pk,
            seller.pk,
        )
        assert InquiryMessage.objects.get(pk=message.pk).quote.unit_price == Decimal("12.50")
        assert Quote.objects.get().listing_id == lead.pk
        assert ListingView.objects.get().visitor == "u:1"
        assert Favourite.objects.count() == 2 and ListingReport.objects.get().reason == "fake"
        for model in MOVED:
            now_type = ContentType.objects.get(pk=types[model].pk)
            assert (now_type.app_label, now_type.model) == ("inquiries", model)
        assert ContentType.objects.get_for_model(Inquiry).pk == types["inquiry"].pk
        assert LogEntry.objects.get(pk=entry.pk).content_type_id == types["inquiry"].pk
        assert User.objects.get(pk=staff.pk).has_perm("inquiries.change_listingreport")
        # Listings 0010: the indexed live listing is stamped; the sweep has the other two.
        assert Listing.objects.get(pk=supply.pk).search_indexed_at is not None
        assert index.stale_listing_ids(limit=10) == [unindexed.pk, lead.pk]

        # And back: the content types return to listings, the rows stay.
        old = _migrate(BEFORE)
        assert OldContentType.objects.get(pk=types["quote"].pk).app_label == "listings"
        assert old.get_model("listings", "Inquiry").objects.count() == 1
    finally:
        _migrate(latest)
        ContentType.objects.clear_cache()
