"""Storefront reads that carry rules (R-F1–R-F3)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.http import Http404
from django.utils.translation import gettext as _

from inquiries import selectors as inquiry_selectors
from listings.models import Category, Listing, ListingImage
from members import privileges
from members.models import Company

from . import rules
from .exceptions import DomainSuffixInvalid
from .models import Domain, FeaturedListing, MailAttachment, MailMessage, ShopSettings
from .registrar import get_registrar

# --- hosts (R-F1, R-F2) ------------------------------------------------------------------


def company_for_subdomain(label: str) -> Company | None:
    return Company.objects.filter(member_id=label.lower()).first()


def company_for_own_domain(domain: str) -> Company | None:
    row = Domain.objects.select_related("company").filter(name=domain.lower()).first()
    return row.company if row else None


def company_domain(company: Company) -> Domain | None:
    return Domain.objects.filter(company=company).first()


# --- own domain availability (R-F2) ----------------------------------------------------------


@dataclass(frozen=True)
class DomainAvailability:
    domain: str  # ASCII form, or the typed name + suffix when invalid
    display: str  # what the member reads (Chinese names in Chinese)
    suffix: str
    available: bool
    reason: str | None  # None, "invalid", "reserved" or "taken"
    message: str | None


def domain_check(
    *, name: str, suffix: str, company: Company | None = None
) -> list[DomainAvailability]:
    """R-F2: for each suffix (`all` = the three), can the name be registered?

    `taken` covers a domain held by any member (the asking company's own included) or,
    per the registrar, by anyone else. Raises DomainSuffixInvalid for an unknown suffix.
    """
    try:
        suffixes = rules.suffixes_for(suffix)
    except ValueError:
        raise DomainSuffixInvalid(fields={"suffix": [DomainSuffixInvalid.default_detail]})
    check = rules.label_check(name)
    if check.reason == rules.REASON_INVALID:
        typed = (name or "").strip()[:100]
        return [
            DomainAvailability(typed + s, typed + s, s, False, check.reason, check.message)
            for s in suffixes
        ]
    domains = [check.ascii_label + s for s in suffixes]
    held = set(Domain.objects.filter(name__in=domains).values_list("name", flat=True))
    registrar = get_registrar()
    registrant = company.member_id if company else None
    platform = platform_domains()
    results = []
    for s, domain in zip(suffixes, domains, strict=True):
        display = check.unicode_label + s
        if check.reason == rules.REASON_RESERVED or rules.domain_reserved_by_platform(
            domain, platform
        ):
            reason = rules.REASON_RESERVED
            message = check.message or _(
                "“%(domain)s”是平台保留的域名，不能注册，请换一个名称。"
            ) % {"domain": display}
        elif domain in held or not registrar.is_available(domain, registrant=registrant):
            reason = rules.REASON_TAKEN
            message = _("“%(domain)s”已被注册，请换一个名称或后缀。") % {"domain": display}
        else:
            reason = message = None
        results.append(DomainAvailability(domain, display, s, reason is None, reason, message))
    return results


def platform_domains() -> list[str]:
    """Hosts the platform answers on itself: never registrable as own domains."""
    hosts = [h for h in settings.ALLOWED_HOSTS if h != "*"]
    return [*hosts, settings.STOREFRONT_DOMAIN, settings.MAIL_DOMAIN]


# --- storefront pages (R-F1) -----------------------------------------------------------------


def shop_settings(company: Company) -> ShopSettings:
    """The company's shop settings, or unsaved defaults when it never edited them."""
    return ShopSettings.objects.filter(company=company).first() or ShopSettings(company=company)


def _with_images(qs: QuerySet) -> QuerySet:
    return qs.select_related("company", "category").prefetch_related(
        Prefetch("images", queryset=ListingImage.objects.order_by("position", "id"))
    )


def shop_listings(
    company: Company, *, q: str = "", category_id: int | None = None
) -> QuerySet[Listing]:
    """Live supply listings of the shop, newest first; `q` searches within the shop."""
    qs = Listing.objects.live().filter(company=company, kind=Listing.Kind.SUPPLY)
    q = (q or "").strip()[:50]
    if q:
        for word in q.split():
            qs = qs.filter(
                Q(title__icontains=word)
                | Q(keyword__icontains=word)
                | Q(brand__icontains=word)
                | Q(model__icontains=word)
                | Q(spec__icontains=word)
                | Q(description__icontains=word)
            )
    if category_id:
        qs = qs.filter(Q(category_id=category_id) | Q(category__parent_id=category_id))
    return _with_images(qs).order_by("-published_at", "-id")


def shop_categories(company: Company) -> list[Category]:
    """Categories of the shop's live supply listings, each with `listing_count`."""
    return list(
        Category.objects.filter(
            listings__company=company,
            listings__status=Listing.Status.LIVE,
            listings__kind=Listing.Kind.SUPPLY,
        )
        .annotate(listing_count=Count("listings"))
        .order_by("position", "id")
    )


def shop_featured(company: Company, *, limit: int = rules.FEATURED_MAX) -> list[Listing]:
    """Pinned live listings in their order; the newest live ones when none is pinned."""
    ids = list(
        FeaturedListing.objects.filter(
            company=company, listing__status=Listing.Status.LIVE
        ).values_list("listing_id", flat=True)[:limit]
    )
    if ids:
        by_id = {li.pk: li for li in _with_images(Listing.objects.filter(pk__in=ids))}
        return [by_id[i] for i in ids if i in by_id]
    return list(shop_listings(company)[:limit])


def featured_ids(company: Company) -> list[int]:
    return list(
        FeaturedListing.objects.filter(company=company).values_list("listing_id", flat=True)
    )


def shop_live_listing_count(company: Company) -> int:
    return Listing.objects.live().filter(company=company).count()


def company_response_stats(company: Company) -> dict | None:
    """R-I1 response rate from the inquiries area, with `percent` (None without inquiries)."""
    stats = inquiry_selectors.company_response_stats(company)
    if not isinstance(stats, dict):
        return None
    percent = stats.get("response_rate_percent")
    if percent is None and isinstance(stats.get("response_rate"), int | float):
        percent = round(stats["response_rate"] * 100)
    return {**stats, "percent": percent}


# --- mailbox (R-F3) --------------------------------------------------------------------------


def mailbox_recipient(address: str) -> Company | None:
    """The company whose mailbox `address` is, when it may receive mail now (TrustPass)."""
    member_id = rules.mailbox_member_id(address, settings.MAIL_DOMAIN)
    if not member_id:
        return None
    company = Company.objects.filter(member_id=member_id).first()
    if company is None or not privileges.has_mailbox(company):
        return None
    return company


def mailbox_used_bytes(company: Company) -> int:
    return MailMessage.objects.filter(company=company).aggregate(s=Sum("size"))["s"] or 0


def mailbox_messages(company: Company) -> QuerySet[MailMessage]:
    return (
        MailMessage.objects.filter(company=company)
        .annotate(attachment_count=Count("attachments"))
        .defer("text_body", "html_body")
        .order_by("-received_at", "-id")
    )


def mailbox_message_get(company: Company, message_id: int) -> MailMessage:
    """Another company's message is a 404, like one that does not exist."""
    message = MailMessage.objects.filter(company=company, pk=message_id).first()
    if message is None:
        raise Http404(_("邮件不存在或已删除。"))
    return message


def mailbox_attachment_get(company: Company, message_id: int, attachment_id: int) -> MailAttachment:
    attachment = (
        MailAttachment.objects.filter(
            pk=attachment_id, message_id=message_id, message__company=company
        )
        .select_related("message")
        .first()
    )
    if attachment is None:
        raise Http404(_("附件不存在或已删除。"))
    return attachment
