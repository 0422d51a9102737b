"""`{{ listing.unit|unit_for:quantity }}`: a unit of measure in the reader's language, in
the form the quantity asks for (listings.units). Listings also give `unit_one`, `unit_moq`
and `unit_many`."""

from django import template

from listings.units import unit_label

register = template.Library()


@register.filter
def unit_for(unit, count=1):
    try:
        count = int(count)
    except (TypeError, ValueError):
        count = 1
    return unit_label(unit, count)
