"""Template context of members: the unread in-site notice count in the page header."""

from django.utils.functional import SimpleLazyObject


def notices(request):
    """`notices_unread`: the signed-in user's company's unread notices (站内信). Lazy, so a
    page that does not show the header costs no query."""

    def unread() -> int:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.company_id:
            return 0
        from .models import Notice

        return Notice.objects.filter(company_id=user.company_id, read_at__isnull=True).count()

    return {"notices_unread": SimpleLazyObject(unread)}
