"""The public company page (`/companies/<member_id>/`) is filled in by the apps above members,
as the dashboard is (members.dashboard): members shows the company, its badges, years of
membership, score and certificate itself; listings adds the company's live listings with
their pictures without members importing it (layers, DESIGN.md). Each app registers a
section once, in its `AppConfig.ready`::

    from members.company_page import register_company_section

    register_company_section("listings", company_listings_section,
                             template="listings/_company_listings.html", order=10)

- `provider(company, request) -> dict`: keys merged into the page's template context (the
  request is there for what depends on it, such as the page number). A key already in the
  context is a configuration error, not an override.
- `template`: a section the page includes, with the page's context. Sections appear by
  `order`, then by name.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest

from .models import Company
from .page_sections import Section, SectionRegistry

CompanySection = Section
_SECTIONS = SectionRegistry("company page section", "section_templates")


def register_company_section(name, provider=None, *, template=None, order=100) -> None:
    _SECTIONS.register(name, provider, template=template, order=order)


def unregister_company_section(name: str) -> None:
    _SECTIONS.unregister(name)


def company_sections() -> list[Section]:
    return _SECTIONS.sections()


def company_page_context(
    company: Company, request: HttpRequest, base: Mapping[str, Any]
) -> dict[str, Any]:
    """`base` plus every provider's keys (`provider(company, request)`) and
    `section_templates`."""
    return _SECTIONS.context(base, company, request)
