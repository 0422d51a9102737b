"""The credit endpoints of API.md: paths, status codes and error codes."""

import pytest
from django.contrib.auth.models import Permission

from credit.models import Certificate
from marketplace.uploads import CERTIFICATE_IMAGE_MAX_BYTES
from members.models import Company
from tests.conftest import auth_client
from tests.credit.factories import (
    CertificateFactory,
    OrderFactory,
    ReviewFactory,
    image_upload,
    noisy_upload_over,
    trade_between_members,
    trustpass_user,
)
from tests.factories import CompanyFactory, UserFactory

pytestmark = pytest.mark.django_db


def review_url(order):
    return f"/api/v1/orders/{order.pk}/reviews/"


class TestReviewApi:
    def post(self, user, order, rating="positive", comment="不错"):
        return auth_client(user).post(
            review_url(order), {"rating": rating, "comment": comment}, format="json"
        )

    def test_created(self, django_capture_on_commit_callbacks):
        order, buyer, seller = trade_between_members()
        with django_capture_on_commit_callbacks(execute=True):
            res = self.post(buyer, order)
        assert res.status_code == 201, res.json()
        body = res.json()
        assert (body["rating"], body["reviewer"], body["reviewee"]) == (
            "positive",
            buyer.company.member_id,
            seller.company.member_id,
        )
        assert Company.objects.get(pk=seller.company.pk).credit_score == 2

    def test_anonymous_is_401(self, api_client):
        order, _, _ = trade_between_members()
        res = api_client.post(review_url(order), {"rating": "positive"}, format="json")
        assert res.status_code == 401
        assert res.json()["code"] == "not_authenticated"

    def test_trustpass_required(self):
        order, buyer, seller = trade_between_members()
        plain = UserFactory()
        order = OrderFactory(buyer=plain.company, seller=seller.company)
        res = self.post(plain, order)
        assert (res.status_code, res.json()["code"], res.json()["rule"]) == (
            403,
            "trustpass_required",
            "R-C4",
        )

    def test_not_a_party(self):
        order, _, _ = trade_between_members()
        res = self.post(trustpass_user(), order)
        assert (res.status_code, res.json()["code"]) == (404, "not_a_party")
        res = auth_client(trustpass_user()).post(
            "/api/v1/orders/999999/reviews/", {"rating": "neutral"}, format="json"
        )
        assert (res.status_code, res.json()["code"]) == (404, "not_a_party")

    def test_trade_not_paid(self):
        order, buyer, _ = trade_between_members(status="created")
        res = self.post(buyer, order, "neutral")
        assert (res.status_code, res.json()["code"]) == (400, "trade_not_paid")

    def test_rating_not_allowed(self):
        order, buyer, _ = trade_between_members(status="refunded")
        res = self.post(buyer, order, "positive")
        assert (res.status_code, res.json()["code"]) == (400, "rating_not_allowed")
        assert "中评或差评" in res.json()["detail"]

    def test_already_reviewed(self):
        order, buyer, _ = trade_between_members()
        assert self.post(buyer, order).status_code == 201
        res = self.post(buyer, order, "neutral")
        assert (res.status_code, res.json()["code"]) == (409, "already_reviewed")

    def test_invalid_rating_and_long_comment(self):
        order, buyer, _ = trade_between_members()
        res = self.post(buyer, order, "excellent")
        assert (res.status_code, res.json()["code"]) == (400, "invalid")
        assert "rating" in res.json()["fields"]
        res = self.post(buyer, order, "positive", "好" * 501)
        assert res.status_code == 400 and "comment" in res.json()["fields"]
        assert self.post(buyer, order, "positive", "好" * 500).status_code == 201

    def test_parties_read_the_trade_reviews_others_get_404(self):
        order, buyer, seller = trade_between_members()
        self.post(buyer, order)
        res = auth_client(seller).get(review_url(order))
        assert res.status_code == 200 and res.json()["count"] == 1  # a page (API.md: lists)
        assert len(res.json()["results"]) == 1
        assert auth_client(trustpass_user()).get(review_url(order)).status_code == 404


class TestCertificateApi:
    def test_upload_returns_pending(self):
        user = UserFactory()
        res = auth_client(user).post(
            "/api/v1/certificates/",
            {"kind": "tax", "title": "税务登记证", "image": image_upload()},
            format="multipart",
        )
        assert res.status_code == 201, res.json()
        assert res.json()["status"] == "pending"
        assert Certificate.objects.get(pk=res.json()["id"]).company == user.company

    def test_over_one_megabyte_is_413(self):
        res = auth_client(UserFactory()).post(
            "/api/v1/certificates/",
            {
                "kind": "other",
                "title": "荣誉证书",
                "image": noisy_upload_over(CERTIFICATE_IMAGE_MAX_BYTES),
            },
            format="multipart",
        )
        assert (res.status_code, res.json()["code"]) == (413, "file_too_large")
        assert "1 MB" in res.json()["detail"]
        assert not Certificate.objects.exists()

    def test_bad_kind_and_missing_image(self):
        client = auth_client(UserFactory())
        res = client.post(
            "/api/v1/certificates/",
            {"kind": "medal", "title": "x", "image": image_upload()},
            format="multipart",
        )
        assert res.status_code == 400 and "kind" in res.json()["fields"]
        res = client.post(
            "/api/v1/certificates/", {"kind": "tax", "title": "x"}, format="multipart"
        )
        assert res.status_code == 400 and "image" in res.json()["fields"]

    def test_anonymous_is_401(self, api_client):
        res = api_client.post(
            "/api/v1/certificates/", {"kind": "tax", "title": "x"}, format="multipart"
        )
        assert res.status_code == 401

    def test_own_list_and_delete_others_404(self):
        user = UserFactory()
        mine = CertificateFactory(company=user.company)
        theirs = CertificateFactory()
        res = auth_client(user).get("/api/v1/certificates/")
        assert [c["id"] for c in res.json()["results"]] == [mine.pk]
        assert auth_client(user).delete(f"/api/v1/certificates/{theirs.pk}/").status_code == 404
        assert auth_client(user).delete(f"/api/v1/certificates/{mine.pk}/").status_code == 204
        assert not Certificate.objects.filter(pk=mine.pk).exists()


class TestStaffCertificateApi:
    def url(self, cert, action="approve"):
        return f"/api/v1/staff/certificates/{cert.pk}/{action}/"

    def test_staff_approves(self, staff_user, django_capture_on_commit_callbacks):
        cert = CertificateFactory(kind="tax")
        with django_capture_on_commit_callbacks(execute=True):
            res = auth_client(staff_user).post(self.url(cert))
        assert res.status_code == 200
        assert res.json()["status"] == "verified"
        assert Company.objects.get(pk=cert.company_id).credit_score == 5

    def test_member_and_staff_without_permission_are_403(self):
        cert = CertificateFactory()
        assert auth_client(UserFactory()).post(self.url(cert)).status_code == 403
        clerk = UserFactory(is_staff=True)
        assert auth_client(clerk).post(self.url(cert)).status_code == 403
        clerk.user_permissions.add(Permission.objects.get(codename="verify_certificate"))
        clerk = type(clerk).objects.get(pk=clerk.pk)
        assert auth_client(clerk).post(self.url(cert)).status_code == 200

    def test_reject_needs_reason(self, staff_user):
        cert = CertificateFactory()
        res = auth_client(staff_user).post(self.url(cert, "reject"), {}, format="json")
        assert (res.status_code, res.json()["code"]) == (400, "reason_required")
        res = auth_client(staff_user).post(
            self.url(cert, "reject"), {"reason": "图片不清晰"}, format="json"
        )
        assert res.status_code == 200 and res.json()["status"] == "rejected"

    def test_unknown_certificate_404(self, staff_user):
        res = auth_client(staff_user).post("/api/v1/staff/certificates/999999/approve/")
        assert res.status_code == 404

    def test_staff_queue_filters_by_status(self, staff_user):
        pending = CertificateFactory()
        CertificateFactory(status="verified")
        res = auth_client(staff_user).get("/api/v1/staff/certificates/?status=pending")
        assert [c["id"] for c in res.json()["results"]] == [pending.pk]


class TestArchiveApi:
    def test_shape_of_api_md(self, api_client, django_capture_on_commit_callbacks):
        order, buyer, seller = trade_between_members()
        with django_capture_on_commit_callbacks(execute=True):
            auth_client(buyer).post(review_url(order), {"rating": "positive"}, format="json")
        CertificateFactory(company=seller.company, status="verified", kind="product")
        CertificateFactory(company=seller.company, status="pending", kind="tax")
        seller.company.credit_references.create(
            name="李明", firm="中国银行", relation="开户银行", contact="0571-1"
        )
        res = api_client.get(f"/api/v1/companies/{seller.company.member_id}/credit/")
        assert res.status_code == 200
        body = res.json()
        assert body["score"] == 2
        assert body["breakdown"] == {
            "verification": 0,
            "archive_years": 0,
            "reviews": 2,
            "certificates": 0,
        }
        assert body["reviews"] == {"positive": 1, "neutral": 0, "negative": 0}
        assert [c["kind"] for c in body["certificates"]] == ["product"]
        assert body["references"][0]["firm"] == "中国银行"
        assert body["activity"]["trades_completed"] == 1
        assert body["activity"]["listings_live"] == 1
        assert body["activity"]["reviews_received"] == 1
        assert body["activity"]["member_since"]
        assert [(h["old"], h["new"]) for h in body["history"]] == [(0, 2)]
        assert set(body["history"][0]) >= {"at", "old", "new", "cause"}

    def test_non_trustpass_company_shows_score_but_not_archive_details(self, api_client):
        company = CompanyFactory(credit_score=0)
        CertificateFactory(company=company, status="verified")
        company.credit_references.create(
            name="李明", firm="中国银行", relation="开户银行", contact="1"
        )
        body = api_client.get(f"/api/v1/companies/{company.member_id}/credit/").json()
        assert body["is_trustpass"] is False
        assert body["certificates"] == [] and body["references"] == []
        assert "score" in body and "breakdown" in body

    def test_unknown_company_404(self, api_client):
        assert api_client.get("/api/v1/companies/nobody-here/credit/").status_code == 404

    def test_reviews_list_paginated_and_filtered(self, api_client):
        seller = CompanyFactory()
        for rating in ["positive", "negative", "positive"]:
            ReviewFactory(order__seller=seller, reviewee=seller, rating=rating)
        url = f"/api/v1/companies/{seller.member_id}/credit/reviews/"
        body = api_client.get(url + "?page_size=2").json()
        assert body["count"] == 3 and len(body["results"]) == 2 and body["next"]
        body = api_client.get(url + "?rating=negative").json()
        assert body["count"] == 1


class TestReferencesApi:
    def test_add_list_delete(self):
        user = UserFactory()
        client = auth_client(user)
        res = client.post(
            "/api/v1/credit/references/",
            {"name": "李明", "firm": "中国银行", "relation": "开户银行", "contact": "0571-1"},
            format="json",
        )
        assert res.status_code == 201
        page = client.get("/api/v1/credit/references/").json()  # a page (API.md: lists)
        assert page["count"] == 1 and len(page["results"]) == 1
        other = auth_client(UserFactory())
        assert other.delete(f"/api/v1/credit/references/{res.json()['id']}/").status_code == 404
        assert client.delete(f"/api/v1/credit/references/{res.json()['id']}/").status_code == 204

    def test_missing_fields_400(self):
        res = auth_client(UserFactory()).post(
            "/api/v1/credit/references/", {"name": "李明"}, format="json"
        )
        assert res.status_code == 400
        assert set(res.json()["fields"]) == {"firm", "relation", "contact"}
