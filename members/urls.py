from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "members"

urlpatterns = [
    path("register/", views.register, name="register"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("my/", views.dashboard, name="dashboard"),
    path("companies/<str:member_id>/", views.company_detail, name="company"),
]
