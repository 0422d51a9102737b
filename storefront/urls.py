from django.urls import path

from . import views

app_name = "storefront"

urlpatterns = [
    path("shop/<str:member_id>/", views.home, name="home"),
]
