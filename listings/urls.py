"""Page routes of the listings app, one module per area (each grows on its own)."""

from .urls_inquiries import urlpatterns as inquiry_urls
from .urls_listings import urlpatterns as listing_urls
from .urls_search import urlpatterns as search_urls

app_name = "listings"

urlpatterns = [*listing_urls, *search_urls, *inquiry_urls]
