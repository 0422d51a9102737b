"""Events other apps listen to (connected in their AppConfig.ready)."""

from django.dispatch import Signal

# Sent after commit with company_id= when a company's TrustPass periods change.
membership_changed = Signal()

# Sent after commit with company_id= when a company's identity verification changes (R-C2).
verification_changed = Signal()
