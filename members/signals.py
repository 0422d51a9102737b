"""Events other apps listen to (connected in their AppConfig.ready)."""

from django.dispatch import Signal

# Sent after commit with company_id= when a company's TrustPass periods change.
membership_changed = Signal()
