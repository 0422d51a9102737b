"""Inquiries (询盘) and quotations (报价): R-I1, R-M3.1. Filled in by the inquiries issue."""

from __future__ import annotations


def inquiry_send(*, sender, message: str, quantity: int | None = None, listing=None, company=None):
    """A signed-in member's inquiry about a live `listing`, or to a storefront's `company`.

    Rate-limited per sender (R-I1); the seller gets an in-site notice and an e-mail.
    """
    raise NotImplementedError("inquiries are built by the inquiries issue")
