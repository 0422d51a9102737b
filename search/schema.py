"""OpenAPI shapes of the search and buy-lead responses (documentation only: the views build
their JSON in search_api.py / buy_leads.py, and these serializers describe it for the schema)."""

from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers


class _HitCompany(serializers.Serializer):
    member_id = serializers.CharField()
    name = serializers.CharField()
    is_trustpass = serializers.BooleanField()
    verified = serializers.BooleanField()
    credit_score = serializers.IntegerField()


class SearchHitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    title = serializers.CharField()
    keyword = serializers.CharField()
    match_level = serializers.IntegerField(help_text="R-S2 key 1: 3, 2 or 1")
    demoted = serializers.BooleanField(help_text="R-S3: ranked after every non-demoted listing")
    company = _HitCompany()
    fixed_price = serializers.BooleanField()
    supports_escrow = serializers.BooleanField()
    price = serializers.CharField(allow_null=True)
    price_max = serializers.CharField(allow_null=True)
    unit = serializers.CharField()
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


_STR = str
SEARCH_PARAMETERS = [
    OpenApiParameter("q", _STR, description="关键词（中文按词和词的片段匹配）"),
    OpenApiParameter("kind", _STR, enum=["supply", "demand"], description="默认 supply"),
    OpenApiParameter("category", _STR, description="类目网址标识"),
    OpenApiParameter("province", _STR),
    OpenApiParameter("trustpass", bool, description="只看诚信通会员"),
    OpenApiParameter("fixed_price", bool, description="只看一口价"),
    OpenApiParameter("page", int),
    OpenApiParameter("page_size", int, description="最多 100"),
]
BUY_LEAD_PARAMETERS = [
    OpenApiParameter("q", _STR),
    OpenApiParameter("category", _STR),
    OpenApiParameter("province", _STR),
    OpenApiParameter("page", int),
    OpenApiParameter("page_size", int, description="最多 100"),
]
