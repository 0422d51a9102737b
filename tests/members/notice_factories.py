"""Users whose e-mail address is confirmed: only they receive notice e-mails (issue 14)."""

import factory
from django.utils import timezone

from tests.factories import UserFactory


class ConfirmedUserFactory(UserFactory):
    email_confirmed_at = factory.LazyFunction(timezone.now)
