"""API routes of the listings app, one module per area."""

from .api_urls_inquiries import urlpatterns as inquiry_urls
from .api_urls_listings import urlpatterns as listing_urls
from .api_urls_search import urlpatterns as search_urls

urlpatterns = [*listing_urls, *search_urls, *inquiry_urls]
