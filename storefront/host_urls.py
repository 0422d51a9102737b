"""URLconf for shop hosts (<member-id>.<STOREFRONT_DOMAIN> and own domains), set per request
by storefront.middleware.StorefrontRoutingMiddleware. Only the storefront lives here; the
main site, the back office, the admin and the API answer on the platform's own hosts."""

from django.conf import settings
from django.conf.urls.static import static
from django.urls import include, path

from . import views

shop_patterns = [
    path("", views.home, name="home"),
    path("products/", views.products, name="products"),
    path("about/", views.introduction, name="introduction"),
    path("credit/", views.credit, name="credit"),
    path("contact/", views.contact, name="contact"),
]

urlpatterns = [path("", include((shop_patterns, "storefront")))]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# The main site's error pages link to paths a shop host does not serve.
handler400 = "storefront.views.shop_bad_request"
handler403 = "storefront.views.shop_permission_denied"
handler404 = "storefront.views.shop_page_not_found"
