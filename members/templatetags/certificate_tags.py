"""`{% company_certificate company as certificate %}`: a company's online identity
certificate (专属网上身份证明, R-M3.3 / R-C2) for the pages that link to it (company page,
dashboard), without each view having to ask for it."""

from django import template

from members import certificate_selectors

register = template.Library()


@register.simple_tag
def company_certificate(company):
    """The company's latest certificate as it stands today, or None."""
    return certificate_selectors.company_certificate(company)
