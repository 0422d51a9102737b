"""The member dashboard (我的阿里助手) is filled in by the apps above members.

Members shows the membership, verification, credit score and notices itself; listings,
inquiries, trade and storefront add their part without members importing them (layers,
DESIGN.md). Each registers a panel once, in its `AppConfig.ready`::

    from members.dashboard import register_dashboard_panel

    register_dashboard_panel("listing_counts", dashboard_listing_counts)   # context only
    register_dashboard_panel("trade_orders", template="trade/_dashboard_orders.html", order=30)

- `provider(company) -> dict`: keys merged into the dashboard's template context (the
  `listing_counts` and `listing_total` of the 我的供求信息 card come from the listings app's
  provider). A key already in the context is a configuration error, not an override.
- `template`: a card the dashboard includes, with the page's context (`company`, `request`
  and every provider's keys). Cards appear by `order`, then by name.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .models import Company
from .page_sections import Section, SectionRegistry

DashboardPanel = Section
_PANELS = SectionRegistry("dashboard panel", "dashboard_templates")


def register_dashboard_panel(name, provider=None, *, template=None, order=100) -> None:
    _PANELS.register(name, provider, template=template, order=order)


def unregister_dashboard_panel(name: str) -> None:
    _PANELS.unregister(name)


def dashboard_panels() -> list[Section]:
    return _PANELS.sections()


def dashboard_context(company: Company, base: Mapping[str, Any]) -> dict[str, Any]:
    """`base` plus every provider's keys (`provider(company)`) and `dashboard_templates`."""
    return _PANELS.context(base, company)
