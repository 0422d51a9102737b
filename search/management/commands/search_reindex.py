"""Rebuild the search documents and stored ranking keys of listings (R-S1–R-S3).

    python manage.py search_reindex            # every live listing
    python manage.py search_reindex --all      # every listing (non-live ones are cleared)
    python manage.py search_reindex --stale    # only keys whose time ran out (as the beat task)

Needed once after the search migration on a database that already has listings, or after
a change of the tokenisation; the listing services keep everything current afterwards.
"""

from django.core.management.base import BaseCommand

from listings.models import Listing
from search.index import listing_reindex, refresh_stale_rank_keys


class Command(BaseCommand):
    help = "重建供求信息的搜索索引和排序键（R-S1–R-S3）。"

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="包括未上网的信息")
        parser.add_argument("--stale", action="store_true", help="只更新已过期的排序键")

    def handle(self, *args, **options):
        if options["stale"]:
            n = refresh_stale_rank_keys()
            self.stdout.write(f"已更新 {n} 条信息的排序键。")
            return
        qs = Listing.objects.all() if options["all"] else Listing.objects.live()
        ids = list(qs.order_by("pk").values_list("pk", flat=True))
        for done, pk in enumerate(ids, 1):
            listing_reindex(listing_id=pk)
            if done % 1000 == 0:
                self.stdout.write(f"… {done}/{len(ids)}")
        self.stdout.write(self.style.SUCCESS(f"已重建 {len(ids)} 条信息的搜索索引。"))
