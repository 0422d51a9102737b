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

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from .models import Company

DashboardProvider = Callable[[Company], Mapping[str, Any]]


@dataclass(frozen=True)
class DashboardPanel:
    name: str
    provider: DashboardProvider | None
    template: str | None
    order: int


_PANELS: dict[str, DashboardPanel] = {}


def register_dashboard_panel(
    name: str,
    provider: DashboardProvider | None = None,
    *,
    template: str | None = None,
    order: int = 100,
) -> None:
    """Add a panel to the dashboard. Registering the same panel again is harmless; another
    one under a taken name is an error."""
    if provider is None and template is None:
        raise ValueError(f"dashboard panel {name!r} needs a provider or a template")
    panel = DashboardPanel(name=name, provider=provider, template=template, order=order)
    current = _PANELS.get(name)
    if current is not None and current != panel:
        raise ImproperlyConfigured(f"a dashboard panel named {name!r} is already registered")
    _PANELS[name] = panel


def unregister_dashboard_panel(name: str) -> None:
    """For tests."""
    _PANELS.pop(name, None)


def dashboard_panels() -> list[DashboardPanel]:
    return sorted(_PANELS.values(), key=lambda p: (p.order, p.name))


def dashboard_context(company: Company, base: Mapping[str, Any]) -> dict[str, Any]:
    """`base` (members' own context) plus every provider's keys, and `dashboard_templates`:
    the panels' cards in order."""
    templates: list[str] = []
    context = {**base, "dashboard_templates": templates}
    for panel in dashboard_panels():
        if panel.provider is not None:
            extra = dict(panel.provider(company))
            taken = context.keys() & extra.keys()
            if taken:
                raise ImproperlyConfigured(
                    f"dashboard panel {panel.name!r} sets keys already in the context: "
                    + ", ".join(sorted(taken))
                )
            context.update(extra)
        if panel.template:
            templates.append(panel.template)
    return context
