"""R-F2: the domain registrar interface and its local implementation.

`settings.STOREFRONT_REGISTRAR` names the class (dotted path). The project ships
`LocalRegistrar`, which keeps its own ledger (`LocalRegistration`) like a registry would:
a domain is registered once, to one registrant, and registering it again for the same
registrant returns the same receipt (so a retried request is harmless). A real registrar
(an EPP client of a .cn registrar) implements the same two methods.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.module_loading import import_string

from .exceptions import DomainTaken
from .models import LocalRegistration


@dataclass(frozen=True)
class RegistrationReceipt:
    domain: str
    reference: str
    registrar: str


class Registrar(Protocol):
    name: str

    def is_available(self, domain: str, *, registrant: str | None = None) -> bool:
        """False when the domain is held by someone other than `registrant`."""

    def register(self, *, domain: str, registrant: str) -> RegistrationReceipt:
        """Register `domain` (ASCII form) for `registrant` (a member ID); raises DomainTaken."""


class LocalRegistrar:
    """Records registrations in the database; for development, demos and tests."""

    name = "local"

    def is_available(self, domain: str, *, registrant: str | None = None) -> bool:
        holder = (
            LocalRegistration.objects.filter(domain=domain)
            .values_list("registrant", flat=True)
            .first()
        )
        return holder is None or (registrant is not None and holder == registrant)

    def register(self, *, domain: str, registrant: str) -> RegistrationReceipt:
        existing = LocalRegistration.objects.filter(domain=domain).first()
        if existing is not None:
            if existing.registrant != registrant:
                raise DomainTaken()
            return RegistrationReceipt(domain, existing.reference, self.name)
        reference = f"LOCAL-{secrets.token_hex(6).upper()}"
        try:
            with transaction.atomic():
                LocalRegistration.objects.create(
                    domain=domain, registrant=registrant, reference=reference
                )
        except IntegrityError:  # lost a race for the same domain
            raise DomainTaken()
        return RegistrationReceipt(domain, reference, self.name)


def get_registrar() -> Registrar:
    return import_string(settings.STOREFRONT_REGISTRAR)()
