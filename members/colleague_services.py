"""Colleague accounts (issue 14, part 3): a company's administrators invite colleagues by
e-mail with a role (`members.roles`), change their roles and remove them.

The invitation e-mail holds a link signed with Django's `TimestampSigner` (salted, valid
`COLLEAGUE_INVITATION_MAX_AGE_DAYS` days, setting, default 7); a link that was altered, has
expired, or whose invitation was accepted or withdrawn is refused. The invitee creates an
account (the address is the invitation's, so it counts as confirmed) or, signed in with an
account that has no company, joins with it.

A removed colleague keeps the account but loses the company (`User.company = None`); what
they made (listings, inquiries, orders) belongs to the company and stays with it. A company
always keeps one administrator: the last one can be neither removed nor demoted.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.exceptions import DomainError

from .company_exceptions import (
    AlreadyColleague,
    AlreadyInCompany,
    AlreadyInvited,
    ColleagueNotFound,
    InvitationInvalid,
    LastAdministrator,
)
from .exceptions import UsernameTaken
from .models import ColleagueInvitation, Company, User
from .notices import absolute_url
from .roles import ADMIN, ROLE_DUTIES, ROLE_LABELS, require_role

Invited = ColleagueInvitation.Status.INVITED
SALT = "members.colleague-invitation"


def invitation_max_age() -> timedelta:
    return timedelta(days=getattr(settings, "COLLEAGUE_INVITATION_MAX_AGE_DAYS", 7))


# --- Reads ---------------------------------------------------------------------------------


def company_colleagues(company: Company):
    """The company's accounts: administrators first, then by when they joined."""
    return User.objects.filter(company=company, is_active=True).order_by(
        "role", "date_joined", "pk"
    )


def company_open_invitations(company: Company):
    return ColleagueInvitation.objects.filter(company=company, status=Invited).select_related(
        "invited_by"
    )


def colleague_get(*, company: Company, user_id: int) -> User:
    """A colleague of `company` (another company's account is a 404)."""
    user = User.objects.filter(pk=user_id, company=company).first()
    if user is None:
        raise ColleagueNotFound()
    return user


def invitation_get(*, company: Company, invitation_id: int) -> ColleagueInvitation:
    invitation = ColleagueInvitation.objects.filter(pk=invitation_id, company=company).first()
    if invitation is None:
        raise ColleagueNotFound()
    return invitation


def _admin_count(company: Company) -> int:
    return User.objects.filter(company=company, is_active=True, role=ADMIN).count()


def _check_admin(by: User, company: Company) -> None:
    require_role(by)
    if by.company_id != company.pk:
        raise ColleagueNotFound()


def _check_role(role: str) -> str:
    if role not in ROLE_LABELS:
        choices = _("、").join(
            _("%(label)s（%(value)s）") % {"label": v, "value": k} for k, v in ROLE_LABELS.items()
        )
        message = _("请选择角色：%(choices)s。") % {"choices": choices}
        raise DomainError(message, code="invalid", fields={"role": [message]})
    return role


# --- Invitations -----------------------------------------------------------------------------


def invitation_token(invitation: ColleagueInvitation) -> str:
    """The signed, timestamped token of the invitation's link."""
    return signing.TimestampSigner(salt=SALT).sign_object(
        {"i": invitation.pk, "e": invitation.email.lower()}
    )


def invitation_link(invitation: ColleagueInvitation) -> str:
    """The absolute link of the invitation e-mail."""
    return absolute_url(reverse("members:invitation_accept", args=[invitation_token(invitation)]))


def invitation_from_token(token: str) -> ColleagueInvitation:
    """The open invitation a link names; `InvitationInvalid` for an altered, expired, used or
    withdrawn one (each with its own code and message)."""
    days = invitation_max_age().days
    try:
        data = signing.TimestampSigner(salt=SALT).unsign_object(token, max_age=invitation_max_age())
    except signing.SignatureExpired:
        raise InvitationInvalid(
            _("邀请链接已过期（有效期 %(days)d 天），请联系贵公司的管理员重新发送邀请。")
            % {"days": days},
            code="invitation_expired",
        )
    except (signing.BadSignature, ValueError, TypeError):
        raise InvitationInvalid()
    if not isinstance(data, dict) or not isinstance(data.get("i"), int):
        raise InvitationInvalid()
    invitation = (
        ColleagueInvitation.objects.select_related("company", "invited_by")
        .filter(pk=data["i"])
        .first()
    )
    if invitation is None or invitation.email.lower() != str(data.get("e", "")):
        raise InvitationInvalid()
    if invitation.status == ColleagueInvitation.Status.ACCEPTED:
        raise InvitationInvalid(
            _("该邀请已被接受，不能再次使用。如果是您本人接受的，请直接登录。"),
            code="invitation_used",
        )
    if invitation.status == ColleagueInvitation.Status.REVOKED:
        raise InvitationInvalid(
            _("该邀请已被贵公司的管理员撤销，如有疑问请与其联系。"), code="invitation_revoked"
        )
    return invitation


def _invitation_email_send(invitation_id: int) -> None:
    invitation = (
        ColleagueInvitation.objects.select_related("company", "invited_by")
        .filter(pk=invitation_id, status=Invited)
        .first()
    )
    if invitation is None:
        return
    context = {
        "invitation": invitation,
        "company": invitation.company,
        "inviter": invitation.invited_by,
        "role_label": ROLE_LABELS.get(invitation.role, invitation.role),
        "role_duties": ROLE_DUTIES.get(invitation.role, ""),
        "link": invitation_link(invitation),
        "days": invitation_max_age().days,
        "site_name": settings.SITE_NAME,
        "site_link": absolute_url("/"),
    }
    subject = " ".join(
        render_to_string("members/company/invitation_email_subject.txt", context).split()
    )
    body = render_to_string("members/company/invitation_email_body.txt", context).strip()
    EmailMultiAlternatives(
        subject=(_("【%(site)s】%(title)s") % {"site": settings.SITE_NAME, "title": subject})[:200],
        body=body,
        to=[invitation.email],
    ).send()


def _send_on_commit(invitation: ColleagueInvitation) -> None:
    pk = invitation.pk
    transaction.on_commit(lambda: _invitation_email_send(pk))


@transaction.atomic
def colleague_invite(*, company: Company, by: User, email: str, role: str) -> ColleagueInvitation:
    """An administrator invites `email` with `role`; the e-mail goes out on commit."""
    _check_admin(by, company)
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        message = _("请输入同事的有效电子邮箱地址，如 zhang.san@example.com。")
        raise DomainError(message, code="invalid", fields={"email": [message]})
    role = _check_role(role)
    Company.objects.select_for_update().get(pk=company.pk)
    if User.objects.filter(company=company, is_active=True, email__iexact=email).exists():
        raise AlreadyColleague(fields={"email": [AlreadyColleague.default_detail]})
    if ColleagueInvitation.objects.filter(
        company=company, status=Invited, email__iexact=email
    ).exists():
        raise AlreadyInvited(fields={"email": [AlreadyInvited.default_detail]})
    try:
        with transaction.atomic():
            invitation = ColleagueInvitation.objects.create(
                company=company, email=email, role=role, invited_by=by
            )
    except IntegrityError:
        raise AlreadyInvited(fields={"email": [AlreadyInvited.default_detail]})
    _send_on_commit(invitation)
    return invitation


@transaction.atomic
def invitation_resend(*, company: Company, by: User, invitation: ColleagueInvitation) -> None:
    """The same invitation again, with a new link valid for the full period."""
    _check_admin(by, company)
    invitation = invitation_get(company=company, invitation_id=invitation.pk)
    if invitation.status != Invited:
        raise InvitationInvalid(_("该邀请已被接受或撤销，不能重新发送。"), code="invitation_closed")
    _send_on_commit(invitation)


@transaction.atomic
def invitation_set_role(
    *, company: Company, by: User, invitation: ColleagueInvitation, role: str
) -> ColleagueInvitation:
    _check_admin(by, company)
    role = _check_role(role)
    locked = (
        ColleagueInvitation.objects.select_for_update()
        .filter(pk=invitation.pk, company=company, status=Invited)
        .first()
    )
    if locked is None:
        raise ColleagueNotFound(_("未找到该邀请，或它已被接受、撤销。"))
    locked.role = role
    locked.save(update_fields=["role"])
    return locked


@transaction.atomic
def invitation_revoke(
    *, company: Company, by: User, invitation: ColleagueInvitation
) -> ColleagueInvitation:
    """Withdraw an open invitation: its link stops working. Withdrawing twice is a no-op."""
    _check_admin(by, company)
    locked = (
        ColleagueInvitation.objects.select_for_update()
        .filter(pk=invitation.pk, company=company)
        .first()
    )
    if locked is None:
        raise ColleagueNotFound()
    if locked.status == Invited:
        locked.status = ColleagueInvitation.Status.REVOKED
        locked.save(update_fields=["status"])
    return locked


@transaction.atomic
def invitation_accept_new_account(
    *, invitation: ColleagueInvitation, username: str, password: str
) -> User:
    """The invitee creates an account: the invitation's company, role and address (confirmed
    by following the link)."""
    locked = _lock_open(invitation)
    username = (username or "").strip()
    if not username:
        raise DomainError(
            _("请填写用户名。"), code="invalid", fields={"username": [_("请填写用户名。")]}
        )
    if User.objects.filter(username__iexact=username).exists():
        raise UsernameTaken(fields={"username": [UsernameTaken.default_detail]})
    user = User(
        username=username,
        email=locked.email,
        company_id=locked.company_id,
        role=locked.role,
        email_confirmed_at=timezone.now(),
    )
    try:
        User._meta.get_field("username").run_validators(username)
    except ValidationError:
        message = _("用户名只能包含字母、数字和 @/./+/-/_，最长 150 个字符。")
        raise DomainError(message, code="invalid", fields={"username": [message]})
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise DomainError(
            _("密码不符合要求：%(problems)s") % {"problems": " ".join(exc.messages)},
            code="invalid_password",
            fields={"password": exc.messages},
        )
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:  # lost a race for the same user name
        raise UsernameTaken(fields={"username": [UsernameTaken.default_detail]})
    _accepted(locked, user)
    return user


@transaction.atomic
def invitation_accept_existing(*, invitation: ColleagueInvitation, user: User) -> User:
    """A signed-in account without a company joins with the invitation's role."""
    locked = _lock_open(invitation)
    account = User.objects.select_for_update().get(pk=user.pk)
    if account.company_id is not None:
        if account.company_id == locked.company_id:
            raise AlreadyInCompany(_("您的账号已是该企业的同事，无需再次加入。"))
        raise AlreadyInCompany()
    account.company_id = locked.company_id
    account.role = locked.role
    fields = ["company", "role"]
    if account.email.lower() == locked.email and account.email_confirmed_at is None:
        account.email_confirmed_at = timezone.now()
        fields.append("email_confirmed_at")
    account.save(update_fields=fields)
    _accepted(locked, account)
    user.company_id, user.role = account.company_id, account.role
    return account


def _lock_open(invitation: ColleagueInvitation) -> ColleagueInvitation:
    locked = (
        ColleagueInvitation.objects.select_for_update(of=("self",))
        .select_related("company")
        .get(pk=invitation.pk)
    )
    if locked.status != Invited:
        raise InvitationInvalid(_("该邀请已被接受或撤销，不能再次使用。"), code="invitation_used")
    return locked


def _accepted(invitation: ColleagueInvitation, user: User) -> None:
    invitation.status = ColleagueInvitation.Status.ACCEPTED
    invitation.user = user
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["status", "user", "accepted_at"])


# --- Colleague accounts ----------------------------------------------------------------------


def _lock_colleague(company: Company, user: User) -> User:
    Company.objects.select_for_update().get(pk=company.pk)  # one admin-count check at a time
    locked = User.objects.select_for_update().filter(pk=user.pk, company=company).first()
    if locked is None:
        raise ColleagueNotFound()
    return locked


@transaction.atomic
def colleague_set_role(*, company: Company, by: User, user: User, role: str) -> User:
    """Change a colleague's role; the last administrator cannot be demoted."""
    _check_admin(by, company)
    role = _check_role(role)
    locked = _lock_colleague(company, user)
    if locked.role == ADMIN and role != ADMIN and _admin_count(company) <= 1:
        raise LastAdministrator()
    if locked.role != role:
        locked.role = role
        locked.save(update_fields=["role"])
    if user.pk == by.pk:
        by.role = role
    return locked


@transaction.atomic
def colleague_remove(*, company: Company, by: User, user: User) -> User:
    """The colleague's account loses the company (it is not deleted); everything the company
    owns stays with it. The last administrator cannot be removed."""
    _check_admin(by, company)
    locked = _lock_colleague(company, user)
    if locked.role == ADMIN and _admin_count(company) <= 1:
        raise LastAdministrator()
    locked.company = None
    locked.role = ADMIN  # the default of an account; a new invitation sets the role again
    locked.save(update_fields=["company", "role"])
    return locked
