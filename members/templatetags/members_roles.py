"""Template helpers for colleague roles (members.roles): show only what the role allows."""

from django import template

from members import roles

register = template.Library()


@register.filter
def may(user, needed: str = "") -> bool:
    """`{% if user|may:"listings" %}`: the account's role allows it (administrators always);
    `{% if user|may %}`: administrators only. Several roles: `user|may:"listings,sales"`."""
    wanted = [r.strip() for r in (needed or "").split(",") if r.strip()]
    return roles.user_may(user, *wanted)


@register.filter
def role_duties(user) -> str:
    """What the account's role may do, in Chinese."""
    return roles.ROLE_DUTIES.get(getattr(user, "role", ""), "")
