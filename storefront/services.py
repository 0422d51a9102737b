"""Storefront business actions: shop settings (R-F1), own domains (R-F2), mailbox (R-F3)."""

from __future__ import annotations

import email
import mimetypes
import os
import uuid
from email import policy
from email.message import EmailMessage as ParsedMessage
from email.utils import parseaddr

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from listings.models import Listing
from marketplace.exceptions import NotFound
from marketplace.uploads import INTRODUCTION_IMAGE_MAX_BYTES, reencode_image
from members import privileges
from members.models import Company

from . import rules, sanitize, selectors
from .exceptions import (
    DomainAlreadyRegistered,
    DomainNameInvalid,
    DomainReserved,
    DomainSuffixInvalid,
    DomainTaken,
    DomainTrustPassRequired,
    FeaturedNotLive,
    FeaturedTooMany,
    MailboxOverQuota,
    MailboxUnavailable,
    UnknownRecipient,
)
from .models import (
    Domain,
    FeaturedListing,
    IntroductionImage,
    MailAttachment,
    MailMessage,
    ShopSettings,
)
from .registrar import get_registrar
from .storage import mailbox_storage

INTRODUCTION_IMAGE_DIR = "storefront/intro/"


def _lock_company(company: Company) -> Company:
    return Company.objects.select_for_update().get(pk=company.pk)


def _settings_row(company: Company) -> ShopSettings:
    row, _created = ShopSettings.objects.select_for_update().get_or_create(company=company)
    return row


# --- shop settings and introduction (R-F1) ---------------------------------------------------


def introduction_image_prefix() -> str:
    return settings.MEDIA_URL + INTRODUCTION_IMAGE_DIR


@transaction.atomic
def shop_settings_update(*, company: Company, slogan: str, introduction: str) -> ShopSettings:
    """Save the slogan and the introduction, sanitised (no script, no event handlers, images
    only from this shop's uploads)."""
    row = _settings_row(company)
    row.slogan = slogan.strip()[:100]
    row.introduction = sanitize.introduction_clean(
        introduction, image_prefix=introduction_image_prefix()
    )
    row.save(update_fields=["slogan", "introduction", "updated_at"])
    return row


@transaction.atomic
def shop_banner_set(*, company: Company, upload) -> ShopSettings:
    """The shop banner: at most 300 KB uploaded (as introduction images, R-L5), re-encoded."""
    data, _image = reencode_image(
        upload, max_bytes=INTRODUCTION_IMAGE_MAX_BYTES, label=_("商铺横幅"), max_side=1600
    )
    row = _settings_row(company)
    old = row.banner.name if row.banner else ""
    row.banner.save(
        f"{company.member_id}-{uuid.uuid4().hex[:10]}.jpg", ContentFile(data), save=False
    )
    row.save(update_fields=["banner", "updated_at"])
    if old:
        transaction.on_commit(lambda: row.banner.storage.delete(old))
    return row


@transaction.atomic
def shop_banner_remove(*, company: Company) -> None:
    row = _settings_row(company)
    if row.banner:
        old = row.banner.name
        storage = row.banner.storage
        row.banner = ""
        row.save(update_fields=["banner", "updated_at"])
        transaction.on_commit(lambda: storage.delete(old))


@transaction.atomic
def introduction_image_upload(*, company: Company, upload) -> IntroductionImage:
    """R-L5: company-introduction images are at most 300 KB; stored re-encoded as JPEG."""
    data, image = reencode_image(
        upload, max_bytes=INTRODUCTION_IMAGE_MAX_BYTES, label=_("公司介绍图片"), max_side=1200
    )
    row = IntroductionImage(company=company, bytes=len(data))
    row.width, row.height = image.size
    row.image.save(
        f"{company.member_id}-{uuid.uuid4().hex[:12]}.jpg", ContentFile(data), save=False
    )
    row.save()
    return row


@transaction.atomic
def introduction_image_delete(*, company: Company, image_id: int) -> None:
    row = IntroductionImage.objects.filter(company=company, pk=image_id).first()
    if row is None:
        raise NotFound(_("图片不存在或已删除。"))
    name, storage = row.image.name, row.image.storage
    row.delete()
    transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def featured_set(*, company: Company, listing_ids: list[int]) -> list[int]:
    """Pin up to FEATURED_MAX of the company's own live supply listings, in this order."""
    ids = list(dict.fromkeys(int(i) for i in listing_ids))
    if len(ids) > rules.FEATURED_MAX:
        raise FeaturedTooMany(fields={"listings": [FeaturedTooMany.default_detail]})
    _lock_company(company)
    allowed = set(
        Listing.objects.live()
        .filter(company=company, kind=Listing.Kind.SUPPLY, pk__in=ids)
        .values_list("pk", flat=True)
    )
    if set(ids) - allowed:
        raise FeaturedNotLive(fields={"listings": [FeaturedNotLive.default_detail]})
    FeaturedListing.objects.filter(company=company).delete()
    FeaturedListing.objects.bulk_create(
        [FeaturedListing(company=company, listing_id=i, position=n) for n, i in enumerate(ids)]
    )
    return ids


# --- own domains (R-F2) ------------------------------------------------------------------------


def domain_register(*, company: Company, name: str, suffix: str) -> Domain:
    """R-F2: register one own domain for a TrustPass company through the registrar.

    Refused: not TrustPass (403), invalid or reserved name (400), a second domain for the
    same company (409 domain_already_registered), a domain held by anyone else (409
    domain_taken). The storefront answers on the new host at once (no restart).
    """
    if not privileges.can_register_domain(company):
        raise DomainTrustPassRequired()
    if suffix not in rules.SUFFIXES:
        raise DomainSuffixInvalid(
            _("注册时请选择一个具体的后缀：.cn、.com.cn 或 .net.cn。"),
            fields={"suffix": [_("请选择 .cn、.com.cn 或 .net.cn 之一。")]},
        )
    check = rules.label_check(name)
    if check.reason == rules.REASON_INVALID:
        raise DomainNameInvalid(check.message, fields={"name": [check.message]})
    domain = check.ascii_label + suffix
    display = check.unicode_label + suffix
    if check.reason == rules.REASON_RESERVED or rules.domain_reserved_by_platform(
        domain, selectors.platform_domains()
    ):
        message = check.message or _("“%(domain)s”是平台保留的域名，不能注册，请换一个名称。") % {
            "domain": display
        }
        raise DomainReserved(message, fields={"name": [message]})
    with transaction.atomic():
        _lock_company(company)
        if Domain.objects.filter(company=company).exists():
            raise DomainAlreadyRegistered()
        if Domain.objects.filter(name=domain).exists():
            raise DomainTaken(
                _("“%(domain)s”已被其他会员注册，请换一个名称或后缀。") % {"domain": display}
            )
        registrar = get_registrar()
        if not registrar.is_available(domain, registrant=company.member_id):
            raise DomainTaken(_("“%(domain)s”已被注册，请换一个名称或后缀。") % {"domain": display})
        receipt = registrar.register(domain=domain, registrant=company.member_id)
        try:
            with transaction.atomic():
                return Domain.objects.create(
                    company=company,
                    name=domain,
                    display_name=display,
                    suffix=suffix,
                    registrar=receipt.registrar,
                    registrar_ref=receipt.reference,
                )
        except IntegrityError:  # the database guards both rules against races
            if Domain.objects.filter(company=company).exists():
                raise DomainAlreadyRegistered()
            raise DomainTaken(
                _("“%(domain)s”已被其他会员注册，请换一个名称或后缀。") % {"domain": display}
            )


# --- enterprise mailbox (R-F3) -----------------------------------------------------------------


def _part_text(part) -> str:
    try:
        return part.get_content()
    except (LookupError, UnicodeError, AssertionError):
        payload = part.get_payload(decode=True) or b""
        return payload.decode("utf-8", errors="replace")


def _safe_filename(name: str | None, content_type: str, n: int) -> str:
    name = os.path.basename((name or "").replace("\\", "/")).strip().strip(".")
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"|?*')[:200]
    if not name:
        name = _("附件%(n)s") % {"n": n} + (mimetypes.guess_extension(content_type) or ".bin")
    return name


def _header(msg, name: str, limit: int) -> str:
    try:
        value = msg.get(name, "")
        return str(value or "")[:limit]
    except (ValueError, IndexError, TypeError):  # malformed header
        return ""


def _sent_at(msg):
    try:
        value = msg.get("date")
        return value.datetime if value is not None and value.datetime else None
    except (ValueError, TypeError, AttributeError, IndexError):
        return None


def mail_deliver(*, recipients: list[str], envelope_from: str, raw: bytes) -> list[MailMessage]:
    """R-F3: store a received message in the mailbox of each recipient company.

    All or nothing: an unknown or lapsed recipient raises UnknownRecipient, a mailbox the
    message would take past its quota (MAILBOX_QUOTA_BYTES; exactly the quota fits)
    raises MailboxOverQuota, and then nothing is stored.
    """
    companies: dict[int, tuple[Company, str]] = {}
    for address in recipients:
        company = selectors.mailbox_recipient(address)
        if company is None:
            raise UnknownRecipient(_("收件地址 %(address)s 不存在。") % {"address": address})
        companies.setdefault(company.pk, (company, address.strip("<>").lower()))
    size = len(raw)
    parsed: ParsedMessage = email.message_from_bytes(raw, policy=policy.default)
    text_part = parsed.get_body(preferencelist=("plain",))
    html_part = parsed.get_body(preferencelist=("html",))
    text_body = _part_text(text_part) if text_part is not None else ""
    html_raw = _part_text(html_part) if html_part is not None else ""
    attachments = []
    for part in parsed.walk():
        if part.is_multipart() or part is text_part or part is html_part:
            continue
        payload = part.get_payload(decode=True) or b""
        content_type = part.get_content_type()
        attachments.append(
            (
                _safe_filename(part.get_filename(), content_type, len(attachments) + 1),
                content_type,
                str(part.get("content-id", "") or "").strip(),
                payload,
            )
        )
    headers = {
        "from_header": _header(parsed, "from", 300),
        "to_header": _header(parsed, "to", 1000),
        "subject": _header(parsed, "subject", 300),
        "sent_at": _sent_at(parsed),
    }
    storage = mailbox_storage()
    delivered: list[MailMessage] = []
    written: list[str] = []
    try:
        with transaction.atomic():
            # Lock every recipient company (in id order, no deadlock) so two messages
            # arriving together cannot both squeeze under the quota.
            list(
                Company.objects.select_for_update()
                .filter(pk__in=list(companies))
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            for pk in sorted(companies):
                company, address = companies[pk]
                used = selectors.mailbox_used_bytes(company)
                if not rules.quota_allows(
                    used=used, incoming=size, quota=settings.MAILBOX_QUOTA_BYTES
                ):
                    raise MailboxOverQuota(
                        _(
                            "%(address)s 的邮箱空间不足：已用 %(used)s 字节，"
                            "本邮件 %(size)s 字节，上限 %(quota)s 字节。"
                        )
                        % {
                            "address": address,
                            "used": used,
                            "size": size,
                            "quota": settings.MAILBOX_QUOTA_BYTES,
                        }
                    )
            for pk in sorted(companies):
                company, address = companies[pk]
                message = MailMessage.objects.create(
                    company=company,
                    recipient=address,
                    envelope_from=(envelope_from or "")[:254],
                    text_body=text_body,
                    size=size,
                    **headers,
                )
                cid_urls = {}
                for filename, content_type, content_id, payload in attachments:
                    ext = os.path.splitext(filename)[1][:10]
                    att = MailAttachment(
                        message=message,
                        filename=filename,
                        content_type=content_type[:100],
                        content_id=content_id[:255],
                        size=len(payload),
                    )
                    stored = storage.save(
                        f"{company.member_id}/{uuid.uuid4().hex}{ext}", ContentFile(payload)
                    )
                    written.append(stored)
                    att.file.name = stored
                    att.save()
                    if content_id:
                        cid_urls[content_id] = reverse(
                            "storefront:mail_attachment",
                            kwargs={"message_id": message.pk, "attachment_id": att.pk},
                            urlconf=settings.ROOT_URLCONF,
                        )
                if html_raw:
                    message.html_body = sanitize.mail_html_clean(html_raw, cid_urls=cid_urls)
                    message.save(update_fields=["html_body"])
                delivered.append(message)
    except BaseException:
        for name in written:
            storage.delete(name)
        raise
    return delivered


def mailbox_require(company: Company | None) -> Company:
    if company is None or not privileges.has_mailbox(company):
        raise MailboxUnavailable()
    return company


@transaction.atomic
def mail_message_read(*, company: Company, message_id: int) -> MailMessage:
    message = selectors.mailbox_message_get(company, message_id)
    if message.read_at is None:
        message.read_at = timezone.now()
        message.save(update_fields=["read_at"])
    return message


@transaction.atomic
def mail_message_delete(*, company: Company, message_id: int) -> None:
    """Delete a message and its attachments; frees its size from the quota."""
    message = selectors.mailbox_message_get(company, message_id)
    names = [a.file.name for a in message.attachments.all()]
    message.delete()
    storage = mailbox_storage()
    transaction.on_commit(lambda: [storage.delete(n) for n in names])


def mail_send(*, company: Company, to: str, subject: str, body: str) -> None:
    """Outbound mail from the company's address, through Django's e-mail backend."""
    mailbox_require(company)
    sender = rules.mailbox_address(company.member_id, settings.MAIL_DOMAIN)
    _name, address = parseaddr(to)
    EmailMessage(
        subject=subject.replace("\n", " ").strip()[:200],
        body=body,
        from_email=f"{company.name} <{sender}>",
        to=[address or to],
        reply_to=[sender],
    ).send(fail_silently=False)
