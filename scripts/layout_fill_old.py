# Run by check_layout_migration.sh on the commit before the split (`manage.py shell -c`):
# the demo data has no inquiries, quotes, favourites, views, reports or TrustPass orders, so
# add some of each, with the models where they lived then, for the migration to carry.
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from listings.models import (
    Favourite,
    Inquiry,
    InquiryMessage,
    Listing,
    ListingReport,
    ListingView,
    Quote,
)
from members.models import Company, MembershipOrder, User

now = timezone.now()
companies = list(Company.objects.order_by("pk")[:6])
users = {u.company_id: u for u in User.objects.filter(company__in=companies)}
supply = list(Listing.objects.filter(status="live", kind="supply").order_by("pk")[:20])
demand = list(Listing.objects.filter(status="live", kind="demand").order_by("pk")[:5])
for i, listing in enumerate(supply):
    buyer = next(c for c in companies if c.pk != listing.company_id)
    user = users.get(buyer.pk)
    thread = Inquiry.objects.create(
        listing=listing, subject=listing.title, buyer=buyer, seller=listing.company,
        last_message_at=now - timedelta(hours=i),
    )  # fmt: skip
    InquiryMessage.objects.create(
        inquiry=thread, kind="inquiry", sender=user, sender_company=buyer,
        recipient_company=listing.company, body=f"请报价，数量 {i + 1} 吨", quantity=i + 1,
    )  # fmt: skip
    ListingView.objects.create(listing=listing, day=now.date(), visitor=f"a:{i:040d}")
    if user is not None:
        Favourite.objects.get_or_create(user=user, listing=listing)
        if i % 4 == 0:
            ListingReport.objects.create(listing=listing, reporter=user, reason="duplicate")
for lead in demand:
    quoter = next(c for c in companies if c.pk != lead.company_id)
    thread = Inquiry.objects.create(
        kind="quote", listing=lead, subject=lead.title, buyer=quoter, seller=lead.company,
        last_message_at=now,
    )  # fmt: skip
    message = InquiryMessage.objects.create(
        inquiry=thread, kind="quote", sender=users.get(quoter.pk), sender_company=quoter,
        recipient_company=lead.company, body="可供货", quantity=10,
    )  # fmt: skip
    Quote.objects.create(
        message=message, listing=lead, company=quoter, unit_price=Decimal("99.50"), quantity=10
    )
for company in companies[:3]:
    MembershipOrder.objects.create(company=company, years=1, amount=Decimal("2800.00"))
print("filled")
