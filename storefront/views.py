from django.shortcuts import render

from members import privileges, selectors


def home(request, member_id: str):
    """R-F1: the storefront at /shop/<member-id>/; offline (404) while not TrustPass."""
    company = selectors.company_get_public(member_id=member_id)
    if not privileges.storefront_online(company):
        return render(request, "storefront/offline.html", {"company": company}, status=404)
    return render(request, "storefront/home.html", {"company": company})
