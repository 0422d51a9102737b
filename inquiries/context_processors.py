"""Template context of the inquiries area: the unread count in the page header (R-I1)."""

from django.utils.functional import SimpleLazyObject


def inbox(request):
    """`inbox_unread`: messages to the signed-in user's company not yet read. Lazy, so a
    page that does not show the header badge costs no query."""

    def unread() -> int:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.company_id:
            return 0
        from .selectors import inbox_unread_count

        return inbox_unread_count(user.company_id)

    return {"inbox_unread": SimpleLazyObject(unread)}
