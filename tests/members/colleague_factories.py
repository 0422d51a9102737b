"""Helpers for the company profile, colleague and role tests (issue 14)."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image
from rest_framework.test import APIClient

from members.models import VerificationApplication
from tests.factories import UserFactory
from tests.members.factories import VALID_NUMBERS, VerificationApplicationFactory
from tests.members.notice_factories import ConfirmedUserFactory


def colleague(company, role: str, **kwargs):
    """Another account of `company` with `role` (address confirmed)."""
    return ConfirmedUserFactory(company=company, role=role, **kwargs)


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    return client


def page(user) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def verify(company, number: str = VALID_NUMBERS[0]) -> VerificationApplication:
    """The company passed identity verification (R-C2) with `number`."""
    app = VerificationApplicationFactory(
        company=company, registration_number=number, status=VerificationApplication.Status.APPROVED
    )
    company.verified = True
    company.save(update_fields=["verified"])
    return app


def png_upload(name: str = "logo.png", size=(800, 600), color=(200, 30, 30)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGBA", size, color + (255,)).save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def admin_user(**kwargs):
    return ConfirmedUserFactory(**kwargs)


__all__ = ["UserFactory", "admin_user", "api", "colleague", "page", "png_upload", "verify"]
