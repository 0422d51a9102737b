from django import template
from django.conf import settings

from members import privileges
from storefront import rules, selectors
from storefront.models import MailMessage

register = template.Library()


@register.inclusion_tag("storefront/_dashboard_shop.html", takes_context=True)
def storefront_dashboard(context, company):
    """The 网上商铺 card of the member's dashboard (R-F1–R-F3)."""
    request = context.get("request")
    online = privileges.storefront_online(company)
    return {
        "company": company,
        "online": online,
        "subdomain_url": (
            f"{request.scheme}://{company.member_id}.{settings.STOREFRONT_DOMAIN}"
            f"{'' if str(request.get_port()) in ('80', '443') else ':' + str(request.get_port())}/"
            if request
            else ""
        ),
        "domain": selectors.company_domain(company),
        "address": rules.mailbox_address(company.member_id, settings.MAIL_DOMAIN),
        "unread_mail": (
            MailMessage.objects.filter(company=company, read_at__isnull=True).count()
            if online
            else 0
        ),
    }
