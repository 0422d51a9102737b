"""OpenAPI shapes of the search and buy-lead responses (documentation only: the views build
their JSON in search/api.py / buy_leads.py, and these serializers describe it for the schema)."""

from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from listings.serializers import ListingCompanySerializer
from marketplace.openapi import TEXT_PATTERN, QueryChoice, QueryFlag
from marketplace.pagination import page_parameters

from .params import PRICE_RE
from .results import DEFAULT_SORT, SORTS


class SearchHitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    title = serializers.CharField()
    keyword = serializers.CharField()
    match_level = serializers.IntegerField(help_text="R-S2 key 1: 3, 2 or 1")
    demoted = serializers.BooleanField(help_text="R-S3: ranked after every non-demoted listing")
    company = ListingCompanySerializer()
    fixed_price = serializers.BooleanField()
    supports_escrow = serializers.BooleanField()
    price = serializers.CharField(allow_null=True)
    price_max = serializers.CharField(allow_null=True)
    unit = serializers.CharField()
    min_order = serializers.IntegerField(help_text="最小起订量（单位见 unit）")
    province = serializers.CharField()
    category = serializers.CharField(allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)
    image = serializers.CharField(allow_null=True)
    url = serializers.CharField()


class SearchPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    count_capped = serializers.BooleanField()
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)
    results = SearchHitSerializer(many=True)


class _LeadCompany(serializers.Serializer):
    member_id = serializers.CharField()
    name = serializers.CharField()


class _Contact(serializers.Serializer):
    name = serializers.CharField()
    phone = serializers.CharField()
    email = serializers.CharField()


class BuyLeadSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    keyword = serializers.CharField()
    category = serializers.CharField(allow_null=True)
    quantity = serializers.IntegerField()
    unit = serializers.CharField()
    price = serializers.CharField(allow_null=True)
    province = serializers.CharField()
    published_at = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField(allow_null=True)
    company = _LeadCompany()
    contact = _Contact(allow_null=True, help_text="R-M3.1: TrustPass callers only, else null")
    contact_masked = serializers.BooleanField()
    can_quote = serializers.BooleanField()
    contact_hint = serializers.CharField(required=False)
    url = serializers.CharField()


class BuyLeadDetailSerializer(BuyLeadSerializer):
    description = serializers.CharField()
    brand = serializers.CharField()
    model = serializers.CharField()
    spec = serializers.CharField()
    quotes_url = serializers.CharField()


class BuyLeadPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)
    results = BuyLeadSerializer(many=True)


class SupplierSerializer(serializers.Serializer):
    member_id = serializers.CharField()
    name = serializers.CharField()
    is_trustpass = serializers.BooleanField(help_text="R-M2: TrustPass today (listed first)")
    verified = serializers.BooleanField(help_text="R-C2: identity verified")
    credit_score = serializers.IntegerField()
    province = serializers.CharField()
    city = serializers.CharField()
    main_products = serializers.CharField()
    url = serializers.CharField()


class SupplierPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)
    results = SupplierSerializer(many=True)


TRUSTPASS_ONLY = QueryFlag("trustpass", description="只看诚信通会员")
FIXED_PRICE_ONLY = QueryFlag("fixed_price", description="只看一口价")
ESCROW_ONLY = QueryFlag("escrow", description="只看支持支付宝担保交易的信息")
VERIFIED_ONLY = QueryFlag("verified", description="只看已通过身份认证的企业（R-C2）")
SORT = QueryChoice(
    "sort",
    SORTS,
    default=DEFAULT_SORT,
    description=(
        "default：R-S2/R-S3 综合排序；newest：发布时间从新到旧；price_asc / price_desc：按单价"
        "（区间价按最低价）升序 / 降序。同值按信息 id 同向排列（price_desc 恰为 price_asc 的"
        "倒序）；没有该值（价格面议）的信息排在最后，id 大的在前。"
    ),
)


def _price(name: str, description: str) -> OpenApiParameter:
    """A price bound in yuan (search.params.api_price_range refuses others with a 400)."""
    return OpenApiParameter(name, str, pattern=f"^{PRICE_RE.pattern}$", description=description)


def _text(name: str, description: str = "") -> OpenApiParameter:
    """Text without control characters (search.params.api_text refuses them with a 400)."""
    return OpenApiParameter(name, str, pattern=TEXT_PATTERN, description=description)


SEARCH_PARAMETERS = [
    _text("q", "关键词（中文按词和词的片段匹配）"),
    OpenApiParameter("kind", str, enum=["supply", "demand"], description="默认 supply"),
    _text("category", "类目网址标识"),
    _text("province"),
    TRUSTPASS_ONLY.parameter,
    FIXED_PRICE_ONLY.parameter,
    ESCROW_ONLY.parameter,
    VERIFIED_ONLY.parameter,
    _price(
        "price_min", "最低单价（元，含）：单价（区间价的最低价）不低于此值；没有价格的信息不列出"
    ),
    _price("price_max", "最高单价（元，含）；不能低于 price_min"),
    SORT.parameter,
    *page_parameters(),
]
SUPPLIER_PARAMETERS = [
    _text("q", "公司名称、主营产品或简介中的词（每个词都要出现）"),
    _text("province"),
    *page_parameters(),
]
BUY_LEAD_PARAMETERS = [_text("q"), _text("category"), _text("province"), *page_parameters()]
