from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "members"

urlpatterns = [
    path("register/", views.register, name="register"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("my/", views.dashboard, name="dashboard"),
    # (my/trustpass/…, buying TrustPass years, is trade's: trade/urls.py)
    path("my/verification/", views.verification, name="verification"),
    path("my/notices/", views.notices, name="notices"),
    path("my/notices/read/", views.notices_read, name="notices_read"),
    path("trustpass/", views.trustpass_landing, name="trustpass"),
    path("trustpass/compare/", views.trustpass_compare, name="trustpass_compare"),
    path("companies/<str:member_id>/", views.company_detail, name="company"),
]
