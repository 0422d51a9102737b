from django.urls import path

from . import views

app_name = "credit"

urlpatterns = [
    path("companies/<str:member_id>/credit/", views.archive, name="archive"),
    path("my/credit/", views.my_credit, name="my_credit"),
    path("my/credit/certificates/", views.certificate_upload, name="certificate_upload"),
    path(
        "my/credit/certificates/<int:certificate_id>/delete/",
        views.certificate_delete,
        name="certificate_delete",
    ),
    path("my/credit/references/", views.reference_add, name="reference_add"),
    path(
        "my/credit/references/<int:reference_id>/delete/",
        views.reference_delete,
        name="reference_delete",
    ),
    path("my/credit/orders/<int:order_id>/review/", views.review_create, name="review_create"),
]
