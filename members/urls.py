from django.contrib.auth import views as auth_views
from django.urls import path

from . import account_views, certificate_views, company_views, notice_views, views

app_name = "members"

urlpatterns = [
    path("register/", views.register, name="register"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("my/", views.dashboard, name="dashboard"),
    # Account self-service (issue 14, part 1): members/account_views.py
    path("password-reset/", account_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        account_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        account_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        account_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path(
        "account/confirm-email/<uidb64>/<token>/",
        account_views.email_confirm,
        name="email_confirm",
    ),
    path("my/account/", account_views.account, name="account"),
    path(
        "my/account/password/",
        account_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path("my/account/email/", account_views.email_change, name="email_change"),
    path(
        "my/account/email/resend/",
        account_views.email_confirm_resend,
        name="email_confirm_resend",
    ),
    path("my/account/sessions/end/", account_views.sessions_end, name="sessions_end"),
    path("my/account/token/revoke/", account_views.token_revoke, name="token_revoke"),
    # (my/trustpass/…, buying TrustPass years, is trade's: trade/urls.py)
    path("my/verification/", views.verification, name="verification"),
    # Issue 14: the company profile and colleague accounts (members/company_views.py).
    path("my/company/", company_views.company_profile, name="company_profile"),
    path("my/colleagues/", company_views.colleague_list, name="colleagues"),
    path("my/colleagues/<int:user_id>/role/", company_views.colleague_role, name="colleague_role"),
    path(
        "my/colleagues/<int:user_id>/remove/",
        company_views.colleague_remove,
        name="colleague_remove",
    ),
    path(
        "my/colleagues/invitations/<int:pk>/revoke/",
        company_views.invitation_revoke,
        name="invitation_revoke",
    ),
    path(
        "my/colleagues/invitations/<int:pk>/resend/",
        company_views.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "colleagues/accept/<str:token>/",
        company_views.invitation_accept,
        name="invitation_accept",
    ),
    path("my/notices/", views.notices, name="notices"),
    path("my/notices/read/", views.notices_read, name="notices_read"),
    path("my/notices/settings/", notice_views.notice_settings, name="notice_settings"),
    path("trustpass/", views.trustpass_landing, name="trustpass"),
    path("trustpass/compare/", views.trustpass_compare, name="trustpass_compare"),
    path("companies/<str:member_id>/", views.company_detail, name="company"),
    # The online identity certificate (专属网上身份证明, R-M3.3 / R-C2): public.
    path("certificates/check/", certificate_views.certificate_check, name="certificate_check"),
    path("certificates/<str:code>/", certificate_views.certificate_detail, name="certificate"),
]
