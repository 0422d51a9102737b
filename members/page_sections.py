"""A page that apps above members fill in (layers, DESIGN.md): each app registers a section
once, in its `AppConfig.ready`, with a context provider, a template to include, or both.
The dashboard (members.dashboard) and the public company page (members.company_page) are two.

- A provider returns keys merged into the page's template context; a key already in the
  context is a configuration error, not an override.
- A template is included with the page's context. Sections appear by `order`, then by name.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class Section:
    name: str
    provider: Callable[..., Mapping[str, Any]] | None
    template: str | None
    order: int


class SectionRegistry:
    def __init__(self, what: str, templates_key: str):
        self.what = what  # "dashboard panel", for error messages
        self.templates_key = templates_key  # the context key of the templates, in order
        self._sections: dict[str, Section] = {}

    def register(
        self,
        name: str,
        provider: Callable[..., Mapping[str, Any]] | None = None,
        *,
        template: str | None = None,
        order: int = 100,
    ) -> None:
        """Registering the same section again is harmless; another under a taken name is an
        error."""
        if provider is None and template is None:
            raise ValueError(f"{self.what} {name!r} needs a provider or a template")
        section = Section(name=name, provider=provider, template=template, order=order)
        current = self._sections.get(name)
        if current is not None and current != section:
            raise ImproperlyConfigured(f"a {self.what} named {name!r} is already registered")
        self._sections[name] = section

    def unregister(self, name: str) -> None:
        """For tests."""
        self._sections.pop(name, None)

    def __len__(self) -> int:
        return len(self._sections)

    def sections(self) -> list[Section]:
        return sorted(self._sections.values(), key=lambda s: (s.order, s.name))

    def context(self, base: Mapping[str, Any], *provider_args) -> dict[str, Any]:
        """`base` (members' own context) plus every provider's keys (each called with
        `provider_args`), and the sections' templates in order under `templates_key`."""
        templates: list[str] = []
        context = {**base, self.templates_key: templates}
        for section in self.sections():
            if section.provider is not None:
                extra = dict(section.provider(*provider_args))
                taken = context.keys() & extra.keys()
                if taken:
                    raise ImproperlyConfigured(
                        f"{self.what} {section.name!r} sets keys already in the context: "
                        + ", ".join(sorted(taken))
                    )
                context.update(extra)
            if section.template:
                templates.append(section.template)
        return context
