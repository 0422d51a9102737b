from django.urls import path

from . import account_api, api, certificate_api, company_api

urlpatterns = [
    path("auth/register/", api.RegisterApi.as_view(), name="api-register"),
    path("auth/token/", api.TokenApi.as_view(), name="api-token"),
    # Account self-service (issue 14, part 1): members/account_api.py
    path("auth/logout/", account_api.LogoutApi.as_view(), name="api-logout"),
    path(
        "auth/password-reset/",
        account_api.PasswordResetApi.as_view(),
        name="api-password-reset",
    ),
    path(
        "auth/password-change/",
        account_api.PasswordChangeApi.as_view(),
        name="api-password-change",
    ),
    path("me/", api.MeApi.as_view(), name="api-me"),
    # Issue 14: the company profile and colleague accounts (members/company_api.py).
    path("me/company/", company_api.MyCompanyApi.as_view(), name="api-my-company"),
    path("me/colleagues/", company_api.ColleagueListApi.as_view(), name="api-colleagues"),
    path(
        "me/colleagues/<str:colleague_id>/",
        company_api.ColleagueDetailApi.as_view(),
        name="api-colleague",
    ),
    path("companies/<str:member_id>/", api.CompanyDetailApi.as_view(), name="api-company"),
    # The online identity certificate (专属网上身份证明, R-M3.3 / R-C2): public.
    path(
        "identity-certificates/<str:code>/",
        certificate_api.IdentityCertificateApi.as_view(),
        name="api-identity-certificate",
    ),
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
