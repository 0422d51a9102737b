"""What happens to listings, for the apps above (search, inquiries) to answer in their
`receivers.py`. Listings never imports them.

Each signal is sent inside the transaction of the service that made the change, with the
row lock held; a receiver that only needs the committed state (a search reindex) defers its
work with `transaction.on_commit`, so nothing runs for a change that is rolled back.
"""

from django.dispatch import Signal

# A listing went live (staff approval or automatic publication, R-L3): listing_id=.
listing_published = Signal()

# What search shows of a listing may have changed (R-S1–R-S3): it was edited, re-submitted,
# refreshed, withdrawn or expired: listing_id=.
listing_changed = Signal()

# A listing's public page was shown (R-L5, views): listing=, request=. Sent by the detail
# view outside any transaction; a receiver must not raise.
listing_displayed = Signal()
