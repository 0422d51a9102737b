"""Template helpers for member badges; privileges come from members.privileges (R-M3)."""

from django import template

from members import privileges

register = template.Library()


@register.filter
def is_trustpass(company) -> bool:
    """`{% if company|is_trustpass %}`: TrustPass now (R-M2), cached per company instance."""
    return privileges.is_trustpass(company)
