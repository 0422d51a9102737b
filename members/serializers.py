from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from . import selectors
from .models import Company, TrustPassPeriod, User, VerificationAgency, VerificationApplication


def storefront_url(company: Company) -> str:
    return reverse("storefront:home", kwargs={"member_id": company.member_id})


class CompanyInputSerializer(serializers.Serializer):
    member_id = serializers.CharField(max_length=30)
    name = serializers.CharField(max_length=100)
    contact_name = serializers.CharField(max_length=50)
    phone = serializers.CharField(max_length=30)
    province = serializers.CharField(max_length=20, required=False, allow_blank=True)
    city = serializers.CharField(max_length=30, required=False, allow_blank=True)


class RegisterInputSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(write_only=True)
    email = serializers.EmailField()
    company = CompanyInputSerializer()


class TokenInputSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField()


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(source="key")


class OwnCompanySerializer(serializers.ModelSerializer):
    is_trustpass = serializers.SerializerMethodField()
    trustpass_until = serializers.SerializerMethodField()

    class Meta:
        model = Company
        fields = [
            "member_id",
            "name",
            "is_trustpass",
            "trustpass_until",
            "credit_score",
            "verified",
        ]

    def get_is_trustpass(self, obj) -> bool:
        return selectors.company_is_trustpass(obj)

    def get_trustpass_until(self, obj) -> str | None:
        until = selectors.company_trustpass_until(obj)
        return until.isoformat() if until else None


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    email = serializers.EmailField()
    is_staff = serializers.BooleanField()
    # Issue 14: the account's role in its company (members.roles): admin, listings or sales.
    role = serializers.ChoiceField(choices=User.Role.choices)
    company = OwnCompanySerializer(allow_null=True)


class PublicCompanySerializer(serializers.ModelSerializer):
    is_trustpass = serializers.SerializerMethodField()
    member_since = serializers.DateTimeField(source="created_at")
    storefront_url = serializers.SerializerMethodField()

    class Meta:
        model = Company
        fields = [
            "member_id",
            "name",
            "is_trustpass",
            "verified",
            "credit_score",
            "member_since",
            "province",
            "city",
            "industry",
            "storefront_url",
        ]

    def get_is_trustpass(self, obj) -> bool:
        return selectors.company_is_trustpass(obj)

    def get_storefront_url(self, obj) -> str:
        return storefront_url(obj)


# --- Membership (R-M2) ---------------------------------------------------------------------


class MembershipGrantInputSerializer(serializers.Serializer):
    member_id = serializers.CharField(max_length=30)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)

    def validate(self, attrs):
        if attrs["ends_on"] <= attrs["starts_on"]:
            raise serializers.ValidationError({"ends_on": [gettext("结束日期必须晚于开始日期。")]})
        return attrs


class PeriodSerializer(serializers.ModelSerializer):
    member_id = serializers.CharField(source="company.member_id", read_only=True)

    class Meta:
        model = TrustPassPeriod
        fields = ["id", "member_id", "starts_on", "ends_on", "source", "note", "created_at"]


class MembershipStateSerializer(serializers.Serializer):
    is_trustpass = serializers.BooleanField()
    trustpass_until = serializers.DateField(source="until", allow_null=True)
    days_left = serializers.IntegerField(allow_null=True)
    renewal_starts_on = serializers.DateField()
    price_per_year = serializers.SerializerMethodField()
    periods = PeriodSerializer(many=True)

    def get_price_per_year(self, obj) -> int:
        return settings.TRUSTPASS_YEAR_PRICE_YUAN


# --- Identity verification (R-C2) ------------------------------------------------------------


class VerificationAgencySerializer(serializers.ModelSerializer):
    class Meta:
        model = VerificationAgency
        fields = ["id", "name", "description"]


class VerificationInputSerializer(serializers.Serializer):
    agency = serializers.CharField(max_length=100, help_text="认证机构的 id 或名称")
    registration_number = serializers.CharField(max_length=40)
    applicant_name = serializers.CharField(max_length=50)
    applicant_title = serializers.CharField(max_length=50, required=False, allow_blank=True)
    applicant_phone = serializers.CharField(max_length=30, required=False, allow_blank=True)


class VerificationSerializer(serializers.ModelSerializer):
    agency = serializers.CharField(source="agency.name")
    member_id = serializers.CharField(source="company.member_id")

    class Meta:
        model = VerificationApplication
        fields = [
            "id",
            "member_id",
            "status",
            "agency",
            "registration_number",
            "applicant_name",
            "applicant_title",
            "reason",
            "created_at",
            "decided_at",
        ]


class ReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=300,
        error_messages={
            "required": _("请填写原因，告诉企业如何修改后重新申请。"),
            "blank": _("请填写原因，告诉企业如何修改后重新申请。"),
        },
    )
