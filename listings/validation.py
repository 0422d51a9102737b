"""R-L1: the field rules of a listing, with Chinese messages that say how to fix the input.
Used by the listing services before anything is stored."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .exceptions import InvalidListing
from .models import Listing

MAX_PRICE_TIERS = 5


def decimal_field(value, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise InvalidListing(
            _("%(field)s必须是数字。") % {"field": field},
            fields={field: [_("请填写数字，如 12.50。")]},
        )
    if not number.is_finite():
        raise InvalidListing(
            _("%(field)s必须是数字。") % {"field": field},
            fields={field: [_("请填写数字，如 12.50。")]},
        )
    return number.quantize(Decimal("0.01"))


def normalise_price_tiers(tiers) -> list[dict]:
    """Tiered prices (R-L1): [{"min_qty": 1, "price": "12.00"}, {"min_qty": 100, ...}],
    quantities rising, prices positive, at most five tiers."""
    if not tiers:
        return []
    if not isinstance(tiers, list | tuple) or len(tiers) > MAX_PRICE_TIERS:
        raise InvalidListing(
            _("阶梯价格格式有误。"),
            fields={
                "price_tiers": [
                    _("最多 %(count)s 档，每档填写起订量和单价。") % {"count": MAX_PRICE_TIERS}
                ]
            },
        )
    out: list[dict] = []
    for tier in tiers:
        try:
            qty = int(tier["min_qty"])
            price = Decimal(str(tier["price"])).quantize(Decimal("0.01"))
        except (KeyError, TypeError, ValueError, InvalidOperation):
            raise InvalidListing(
                _("阶梯价格格式有误。"),
                fields={"price_tiers": [_("每档需填写起订量（整数）和单价（数字）。")]},
            )
        if qty < 1 or not price.is_finite() or price <= 0:
            raise InvalidListing(
                _("阶梯价格有误。"),
                fields={"price_tiers": [_("起订量至少为 1，单价必须大于 0。")]},
            )
        if out and qty <= out[-1]["min_qty"]:
            raise InvalidListing(
                _("阶梯价格的起订量必须逐档增加。"),
                fields={"price_tiers": [_("请按起订量从小到大填写，如 1 件、100 件、1000 件。")]},
            )
        out.append({"min_qty": qty, "price": str(price)})
    return out


def validate(listing: Listing) -> None:
    """R-L1: field rules, with Chinese messages that say how to fix the input."""
    errors: dict[str, list[str]] = {}
    if not (listing.title or "").strip():
        errors["title"] = [_("请填写产品名称，如“不锈钢无缝钢管”。")]
    if not (listing.keyword or "").strip():
        errors["keyword"] = [_("请填写一个产品关键字，如“无缝钢管”，买家搜索时会用到。")]
    if not (listing.description or "").strip():
        errors["description"] = [_("请填写详细说明：产品用途、材质、性能、包装、售后等。")]
    category = listing.category if listing.category_id else None
    if category is None:
        errors["category"] = [_("请选择类目。")]
    elif category.children.exists():
        errors["category"] = [_("请选择“%(name)s”下的二级类目。") % {"name": category.name}]
    if listing.price is not None and listing.price <= 0:
        errors["price"] = [_("单价必须大于 0；价格面议请留空。")]
    if listing.price_max is not None:
        if listing.price is None:
            errors["price"] = [_("填写价格区间时请同时填写最低价。")]
        elif listing.price_max < listing.price:
            errors["price_max"] = [_("最高价不能低于最低价。")]
    if listing.fixed_price and listing.price is None:
        errors["price"] = [_("一口价信息必须填写单价，买家将按此价格直接下单。")]
    if listing.fixed_price and listing.price_max is not None:
        errors["price_max"] = [_("一口价是一个确定的单价，请不要填写价格区间。")]
    if listing.validity_days not in Listing.Validity.values:
        errors["validity_days"] = [_("信息有效期只能选择 7 天、30 天或 90 天。")]
    if listing.kind not in Listing.Kind.values:
        errors["kind"] = [_("请选择信息类型：供应或求购。")]
    if (listing.min_order or 0) < 1:
        errors["min_order"] = [_("最小起订量至少为 1。")]
    try:
        listing.full_clean(
            exclude=[
                "company",
                "category",
                "rejection_reasons",
                "price_tiers",
                "status",
                "reviewed_by",
                *errors.keys(),
            ],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(_chinese_field_messages(field, messages))
    if errors:
        first_field, first = next(iter(errors.items()))
        label = _label(first_field)
        raise InvalidListing(
            _("%(label)s：%(error)s") % {"label": label, "error": first[0]} if label else first[0],
            fields=errors,
        )


def _label(field: str) -> str:
    try:
        return str(Listing._meta.get_field(field).verbose_name)
    except Exception:  # noqa: BLE001 (non-field errors)
        return ""


def _chinese_field_messages(field: str, messages: list[str]) -> list[str]:
    """Model validation speaks Chinese already (LANGUAGE_CODE zh-hans); keep as is."""
    return [str(m) for m in messages]
