from django.urls import path

from . import api

urlpatterns = [
    path("domains/check/", api.DomainCheckApi.as_view(), name="api-domain-check"),
    path("domains/", api.DomainRegisterApi.as_view(), name="api-domains"),
]
