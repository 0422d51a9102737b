from django.urls import path

from . import api

urlpatterns = [
    path("auth/register/", api.RegisterApi.as_view(), name="api-register"),
    path("auth/token/", api.TokenApi.as_view(), name="api-token"),
    path("me/", api.MeApi.as_view(), name="api-me"),
    path("companies/<str:member_id>/", api.CompanyDetailApi.as_view(), name="api-company"),
]
