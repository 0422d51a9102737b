"""Account self-service (issue 14, part 1): password reset and change, e-mail confirmation,
signing out of every session and API token revocation. Views, the API and forms call these.

Tokens are Django's: password reset links use `default_token_generator` (bound to the
password hash, last login and address, so a link dies once used), e-mail confirmation links
a subclass bound to the address and `email_confirmed_at` (dead once confirmed or changed).
Sessions are ended the way Django does it: a session is only valid while it carries the
hash of the user's current password hash, so a new hash ends every session at once, with
any session backend. API tokens are DRF's, one per user (`rest_framework.authtoken`).
"""

from __future__ import annotations

import hashlib
import logging

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator, default_token_generator
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes, force_str
from django.utils.http import base36_to_int, urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.models import Token

from marketplace.exceptions import DomainError

from .models import User
from .notices import absolute_url

logger = logging.getLogger(__name__)


class WrongPassword(DomainError):
    code = "wrong_password"
    default_detail = _("当前密码不正确，请重新输入（注意大小写）；忘记密码可通过“忘记密码”重设。")


class InvalidPassword(DomainError):
    code = "invalid_password"
    default_detail = _("新密码不符合要求，请换一个更安全的密码。")


class TooSoon(DomainError):
    """A rate limit of this module: 429 with Retry-After, like every other 429."""

    code = "rate_limited"
    status_code = 429

    def __init__(self, detail: str, *, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(detail)


class EmailConfirmationTokenGenerator(PasswordResetTokenGenerator):
    """Django's token, bound to the address and its confirmation: a link works until the
    address is confirmed or changed, at most EMAIL_CONFIRMATION_TIMEOUT seconds."""

    key_salt = "members.account_services.EmailConfirmationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        confirmed = "" if user.email_confirmed_at is None else user.email_confirmed_at.isoformat()
        return f"{user.pk}{(user.email or '').lower()}{confirmed}{timestamp}"

    def check_token(self, user, token):
        # Django's check, with this link's own (longer) timeout instead of
        # PASSWORD_RESET_TIMEOUT.
        if not (user and token) or token.count("-") != 1:
            return False
        try:
            ts = base36_to_int(token.split("-")[0])
        except ValueError:
            return False
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        ):
            return False
        return self._num_seconds(self._now()) - ts <= settings.EMAIL_CONFIRMATION_TIMEOUT


email_confirmation_token = EmailConfirmationTokenGenerator()


def uid_encode(user: User) -> str:
    return urlsafe_base64_encode(force_bytes(user.pk))


def user_from_uid(uidb64: str) -> User | None:
    try:
        return User.objects.filter(pk=int(force_str(urlsafe_base64_decode(uidb64)))).first()
    except (TypeError, ValueError, OverflowError):
        return None


def _mail_on_commit(*, to: str, template: str, context: dict) -> None:
    """Send `templates/<template>_subject.txt` and `_body.txt` once the caller's write is
    committed. A failing mail server is logged, not raised: the member can ask again."""
    # In the language of the request: the person who asked is the one the mail is for.
    ctx = {**context, "site_name": settings.SITE_NAME}
    subject = gettext("【%(site)s】%(title)s") % {
        "site": settings.SITE_NAME,
        "title": " ".join(render_to_string(f"{template}_subject.txt", ctx).split()),
    }
    body = render_to_string(f"{template}_body.txt", ctx).strip()

    def send() -> None:
        try:
            send_mail(subject, body, None, [to])
        except Exception:
            logger.exception("account e-mail %s to user could not be sent", template)

    transaction.on_commit(send)


def _allow(key: str, *, limit: int, seconds: int) -> bool:
    """At most `limit` calls per `seconds` for `key`; open when the cache is away."""
    cache.add(key, 0, seconds)
    try:
        return cache.incr(key) <= limit
    except ValueError:  # the key expired between add and incr
        return True


def _address_key(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]


# --- password reset ------------------------------------------------------------------------


def password_reset_link(user: User) -> str:
    path = reverse(
        "members:password_reset_confirm",
        kwargs={"uidb64": uid_encode(user), "token": default_token_generator.make_token(user)},
    )
    return absolute_url(path)


def password_reset_send(*, email: str) -> int:
    """Mail a single-use reset link to each active account with this address (Django's own
    choice of accounts). Nothing tells the caller whether the address is known. One mail per
    address per PASSWORD_RESET_EMAIL_INTERVAL seconds, so nobody can flood a mailbox.
    Returns how many mails were sent."""
    email = (email or "").strip()
    if not email:
        return 0
    users = list(PasswordResetForm().get_users(email))
    if not users:
        return 0
    interval = settings.PASSWORD_RESET_EMAIL_INTERVAL
    if not _allow(f"account:reset:{_address_key(email)}", limit=1, seconds=interval):
        return 0
    hours = max(1, settings.PASSWORD_RESET_TIMEOUT // 3600)
    for user in users:
        _mail_on_commit(
            to=user.email,
            template="registration/password_reset",
            context={"user": user, "link": password_reset_link(user), "hours": hours},
        )
    return len(users)


# --- passwords and sessions ------------------------------------------------------------------


@transaction.atomic
def user_password_set(
    *, user: User, password: str, keep_token_key: str | None = None, address_proven: bool = False
) -> User:
    """Set the password: every session of the user ends (the caller keeps its own with
    `update_session_auth_hash`) and every API token except `keep_token_key` is deleted.
    `address_proven`: the member came through a link mailed to the address (a reset), which
    confirms it too."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    locked.set_password(password)
    fields = ["password"]
    if address_proven and locked.email and locked.email_confirmed_at is None:
        locked.email_confirmed_at = timezone.now()
        fields.append("email_confirmed_at")
    locked.save(update_fields=fields)
    Token.objects.filter(user=locked).exclude(key=keep_token_key or "").delete()
    user.password = locked.password
    user.email_confirmed_at = locked.email_confirmed_at
    if address_proven:
        # Locked out by failed sign-ins? The reset proves who it is (axes' lockout).
        axes_reset(username=user.get_username())
    return user


def user_password_change(
    *, user: User, old_password: str, new_password: str, keep_token_key: str | None = None
) -> User:
    """Password change (API): the old password first, then Django's validators."""
    if not user.check_password(old_password or ""):
        raise WrongPassword(fields={"old_password": [WrongPassword.default_detail]})
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        detail = gettext("新密码不符合要求：%(problems)s") % {"problems": " ".join(exc.messages)}
        raise InvalidPassword(detail, fields={"new_password": exc.messages})
    return user_password_set(user=user, password=new_password, keep_token_key=keep_token_key)


@transaction.atomic
def user_sessions_end(*, user: User, password: str) -> None:
    """Sign out of every session, this one too: the password is hashed again with a new salt,
    so no session holds the current hash any more (`password` confirms the action). API
    tokens stay: they are revoked on their own."""
    if not user.check_password(password or ""):
        raise WrongPassword(fields={"password": [WrongPassword.default_detail]})
    locked = User.objects.select_for_update().get(pk=user.pk)
    locked.set_password(password)
    locked.save(update_fields=["password"])
    user.password = locked.password


def user_tokens(user: User) -> list[Token]:
    return list(Token.objects.filter(user=user).order_by("created"))


def token_revoke(*, user: User, key: str | None = None) -> int:
    """Delete the user's API token (`key`: only that one). Returns how many went."""
    qs = Token.objects.filter(user=user)
    if key is not None:
        qs = qs.filter(key=key)
    return qs.delete()[0]


# --- e-mail confirmation ---------------------------------------------------------------------


def email_confirmation_link(user: User) -> str:
    path = reverse(
        "members:email_confirm",
        kwargs={"uidb64": uid_encode(user), "token": email_confirmation_token.make_token(user)},
    )
    return absolute_url(path)


def email_confirmation_send(*, user: User) -> bool:
    """The confirmation mail, the one mail an unconfirmed address gets (on commit)."""
    if not user.email or user.email_confirmed_at is not None:
        return False
    days = max(1, settings.EMAIL_CONFIRMATION_TIMEOUT // 86400)
    _mail_on_commit(
        to=user.email,
        template="members/account/email_confirm",
        context={"user": user, "link": email_confirmation_link(user), "days": days},
    )
    return True


def email_confirmation_resend(*, user: User) -> bool:
    """ "Resend" from the banner: once a EMAIL_CONFIRMATION_RESEND_SECONDS, at most
    EMAIL_CONFIRMATION_RESEND_PER_DAY a day, so the button cannot flood a mailbox."""
    if not user.email or user.email_confirmed_at is not None:
        return False
    wait = settings.EMAIL_CONFIRMATION_RESEND_SECONDS
    if not _allow(f"account:confirm:{user.pk}:recent", limit=1, seconds=wait):
        raise TooSoon(
            gettext("确认邮件刚刚发出，请查收；如未收到，请 %(seconds)d 秒后再试。")
            % {"seconds": wait},
            retry_after=wait,
        )
    per_day = settings.EMAIL_CONFIRMATION_RESEND_PER_DAY
    if not _allow(f"account:confirm:{user.pk}:day", limit=per_day, seconds=86400):
        raise TooSoon(
            gettext(
                "今天已发送 %(count)d 封确认邮件，请检查垃圾邮件箱，或明天再试、或更换邮箱地址。"
            )
            % {"count": per_day},
            retry_after=3600,
        )
    return email_confirmation_send(user=user)


def email_confirmation_user(uidb64: str, token: str) -> User | None:
    """The account a confirmation link is for, while the link is good; else None."""
    user = user_from_uid(uidb64)
    if user is None or not user.is_active or not user.email:
        return None
    return user if email_confirmation_token.check_token(user, token) else None


@transaction.atomic
def email_confirm(*, uidb64: str, token: str) -> User | None:
    """Follow a confirmation link: the address is confirmed, and the link dies with it."""
    user = email_confirmation_user(uidb64, token)
    if user is None:
        return None
    user = User.objects.select_for_update().get(pk=user.pk)
    if not email_confirmation_token.check_token(user, token):  # a concurrent click won
        return None
    user.email_confirmed_at = timezone.now()
    user.save(update_fields=["email_confirmed_at"])
    return user


@transaction.atomic
def user_email_change(*, user: User, email: str, password: str) -> bool:
    """A new address (the password confirms it): unconfirmed until its link is followed, and
    the old address, when it was confirmed, is told. False when it is the same address."""
    if not user.check_password(password or ""):
        raise WrongPassword(fields={"password": [WrongPassword.default_detail]})
    email = User.objects.normalize_email((email or "").strip())
    locked = User.objects.select_for_update().get(pk=user.pk)
    if email.lower() == (locked.email or "").lower():
        return False
    old, was_confirmed = locked.email, locked.email_confirmed_at is not None
    locked.email, locked.email_confirmed_at = email, None
    locked.save(update_fields=["email", "email_confirmed_at"])
    user.email, user.email_confirmed_at = locked.email, None
    email_confirmation_send(user=locked)
    if old and was_confirmed:
        _mail_on_commit(
            to=old,
            template="members/account/email_changed",
            context={
                "user": locked,
                "new": _mask(email),
                "link": absolute_url(reverse("members:account")),
            },
        )
    return True


def _mask(email: str) -> str:
    """n***@example.com: enough for the owner to recognise, not to harvest."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"
