from django.urls import reverse
from rest_framework import serializers

from . import selectors
from .models import Company


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
