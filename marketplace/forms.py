"""Shared kernel for pages: how a service's refusal reaches the person at a form."""

from __future__ import annotations

from .exceptions import DomainError


def form_add_domain_error(form, exc: DomainError, *, renames: dict | None = None) -> None:
    """Show a `DomainError` on `form`: each message of `exc.fields` on the field it names
    (after `renames`, service field -> form field), on the form itself when the form has no
    such field; the error's detail on the form when it names no field."""
    renames = renames or {}
    for field, errors in (exc.fields or {None: [exc.detail]}).items():
        target = renames.get(field, field)
        for error in errors if isinstance(errors, list | tuple) else [errors]:
            form.add_error(target if target in form.fields else None, str(error))
