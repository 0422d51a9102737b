"""Template context of the inquiries area: the unread count in the page header (R-I1) and
where it links to."""

from functools import cache

from django.utils.functional import SimpleLazyObject


def inbox(request):
    """`inbox_unread`: messages to the signed-in user's company not yet read; `inbox_link`:
    the inbox tab that holds them (a buyer's unread reply sits under "sent"). Lazy, so a
    page that does not show the header badge costs no query; both share one."""

    @cache
    def boxes() -> dict[str, int] | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.company_id:
            return None
        from .selectors import inbox_unread_boxes

        return inbox_unread_boxes(user.company_id)

    def unread() -> int:
        counts = boxes()
        return counts["received"] + counts["sent"] if counts else 0

    def link() -> str:
        from .selectors import inbox_unread_url

        return inbox_unread_url(boxes() or {"received": 0, "sent": 0})

    return {"inbox_unread": SimpleLazyObject(unread), "inbox_link": SimpleLazyObject(link)}
