"""`seed_demo` for listings: a two-level category tree and ~300 listings with images, most
live, some pending or rejected; idempotent."""

import io

import pytest
from PIL import Image

from demo import listings as demo
from demo import members as members_demo
from listings.models import Category, Listing, ListingImage

pytestmark = pytest.mark.django_db


def test_demo_listings(django_capture_on_commit_callbacks):
    out = io.StringIO()
    members_demo.seed(out)
    with django_capture_on_commit_callbacks(execute=True):
        demo.seed(out)

    steel = Category.objects.get(name="钢管")
    assert str(steel) == "冶金矿产 › 钢管"
    assert not Category.objects.filter(parent__parent__isnull=False).exists()  # two levels
    for top in ("机械设备", "化工", "纺织皮革", "电子元器件", "农业", "包装印刷", "礼品工艺"):
        assert Category.objects.get(name=top, parent=None).children.exists()

    total = Listing.objects.count()
    assert 280 <= total <= 320
    by_status = {s: Listing.objects.filter(status=s).count() for s in Listing.Status.values}
    assert by_status["live"] > total * 0.5
    assert by_status["pending_review"] >= 5 and by_status["rejected"] >= 5
    assert Listing.objects.filter(kind="demand", status="live").exists()
    assert (
        Listing.objects.filter(
            status="live", fixed_price=True, supports_escrow=True, kind="supply"
        ).count()
        >= 20
    )
    for listing in Listing.objects.filter(status="rejected")[:5]:
        assert listing.rejection_reasons and listing.rejection_reasons[0]["detail"]
    for listing in Listing.objects.filter(status="live")[:20]:
        assert listing.published_at and listing.first_published_at and listing.expires_at
        assert all(c.passed for c in listing.checks.all())
    image = ListingImage.objects.first()
    stored = Image.open(image.image.path)
    assert stored.size == (200, 200) and stored.mode == "RGB"
    # Issue 15: drawn product pictures, kept large for the gallery, different per listing.
    large = Image.open(image.large.path)
    assert max(large.size) <= 1200 and large.size == (image.large_width, image.large_height)
    sizes = set(ListingImage.objects.values_list("bytes", flat=True)[:40])
    assert len(sizes) > 30
    assert ListingImage.objects.values("listing").distinct().count() > total * 0.4
    pending = Listing.objects.filter(status="pending_review").first()
    assert pending.review_deadline and pending.checks.count() == 5

    again = io.StringIO()
    demo.seed(again)
    assert Listing.objects.count() == total
    assert "跳过" in again.getvalue()
