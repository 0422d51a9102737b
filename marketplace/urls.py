from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from ops import metrics
from search import sitemaps

from . import health, views

admin.site.site_header = settings.ADMIN_SITE_HEADER
admin.site.site_title = settings.SITE_NAME
admin.site.index_title = _("运营管理")

urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", views.favicon, name="favicon"),  # issue 15
    # Operations (API.md): liveness without the database, readiness with it (issue 17).
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    # Search engines (API.md Operations; issue 15): the sitemap (an index past
    # SITEMAP_LIMIT URLs, naming its sections' pages) and robots.txt naming it.
    path("sitemap.xml", sitemaps.sitemap, name="sitemap"),
    path("sitemap-<slug:section>.xml", sitemaps.sitemap_section, name="sitemap-section"),
    path("robots.txt", sitemaps.robots, name="robots"),
    # Prometheus metrics, for staff or METRICS_ALLOWED_NETWORKS (issue 16).
    path("metrics", metrics.metrics, name="metrics"),
    path("i18n/", include("django.conf.urls.i18n")),
    # The inquiry models moved from the listings app to inquiries (issue 13): old admin
    # bookmarks of the moderators still lead to the same pages.
    re_path(
        r"^admin/listings/(?P<model>inquiry|inquirymessage|quote|favourite|listingview|"
        r"listingreport)/(?P<rest>.*)$",
        RedirectView.as_view(url="/admin/inquiries/%(model)s/%(rest)s", query_string=True),
    ),
    path("admin/", admin.site.urls),
    path("api/v1/", include("marketplace.api")),
    path("", include("members.urls")),
    path("", include("listings.urls")),
    path("", include("search.urls")),
    path("", include("inquiries.urls")),
    path("", include("credit.urls")),
    path("", include("trade.urls")),
    path("", include("storefront.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
