from django.conf import settings


def site(request):
    return {"SITE_NAME": settings.SITE_NAME, "STOREFRONT_DOMAIN": settings.STOREFRONT_DOMAIN}
