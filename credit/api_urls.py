from django.urls import path

from . import api

urlpatterns = [
    path("orders/<int:order_id>/reviews/", api.OrderReviewsApi.as_view(), name="api-order-reviews"),
    path("certificates/", api.CertificatesApi.as_view(), name="api-certificates"),
    path(
        "certificates/<int:certificate_id>/",
        api.CertificateDetailApi.as_view(),
        name="api-certificate",
    ),
    path(
        "staff/certificates/",
        api.StaffCertificateListApi.as_view(),
        name="api-staff-certificates",
    ),
    path(
        "staff/certificates/<int:certificate_id>/approve/",
        api.StaffCertificateApproveApi.as_view(),
        name="api-staff-certificate-approve",
    ),
    path(
        "staff/certificates/<int:certificate_id>/reject/",
        api.StaffCertificateRejectApi.as_view(),
        name="api-staff-certificate-reject",
    ),
    path("credit/references/", api.ReferencesApi.as_view(), name="api-credit-references"),
    path(
        "credit/references/<int:reference_id>/",
        api.ReferenceDetailApi.as_view(),
        name="api-credit-reference",
    ),
    path(
        "companies/<str:member_id>/credit/",
        api.CreditArchiveApi.as_view(),
        name="api-company-credit",
    ),
    path(
        "companies/<str:member_id>/credit/reviews/",
        api.CompanyReviewsApi.as_view(),
        name="api-company-credit-reviews",
    ),
]
