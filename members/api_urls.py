from django.urls import path

from . import api

urlpatterns = [
    path("auth/register/", api.RegisterApi.as_view(), name="api-register"),
    path("auth/token/", api.TokenApi.as_view(), name="api-token"),
    path("me/", api.MeApi.as_view(), name="api-me"),
    path("companies/<str:member_id>/", api.CompanyDetailApi.as_view(), name="api-company"),
    # R-M2 membership
    path("memberships/", api.MyMembershipApi.as_view(), name="api-membership"),
    # (TrustPass orders, memberships/orders/…, are trade's: trade/api_urls.py)
    path(
        "staff/memberships/",
        api.StaffMembershipGrantApi.as_view(),
        name="api-staff-memberships",
    ),
    # R-C2 identity verification
    path(
        "verification-agencies/",
        api.VerificationAgencyListApi.as_view(),
        name="api-verification-agencies",
    ),
    path("verifications/", api.VerificationListCreateApi.as_view(), name="api-verifications"),
    path(
        "staff/verifications/",
        api.StaffVerificationListApi.as_view(),
        name="api-staff-verifications",
    ),
    path(
        "staff/verifications/<int:pk>/approve/",
        api.StaffVerificationApproveApi.as_view(),
        name="api-staff-verification-approve",
    ),
    path(
        "staff/verifications/<int:pk>/reject/",
        api.StaffVerificationRejectApi.as_view(),
        name="api-staff-verification-reject",
    ),
    path(
        "staff/verifications/<int:pk>/revoke/",
        api.StaffVerificationRevokeApi.as_view(),
        name="api-staff-verification-revoke",
    ),
]
