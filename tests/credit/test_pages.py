"""Credit pages: the public archive, the back office /my/credit/, the review box on the
order page, and the admin's certificate verification."""

import pytest
from django.contrib.auth.models import Permission
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse

from credit.models import Certificate, CreditReference, Review
from members.models import Company
from tests.credit.factories import (
    CertificateFactory,
    ReviewFactory,
    image_upload,
    noisy_upload_over,
    trade_between_members,
    trustpass_user,
)
from tests.factories import CompanyFactory, UserFactory

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


class TestArchivePage:
    def test_shows_every_part(self, django_capture_on_commit_callbacks):
        order, buyer, seller = trade_between_members()
        company = seller.company
        Company.objects.filter(pk=company.pk).update(verified=True)
        with django_capture_on_commit_callbacks(execute=True):
            client_for(buyer).post(
                reverse("credit:review_create", args=[order.pk]),
                {"rating": "positive", "comment": "货真价实，发货很快"},
            )
        CertificateFactory(company=company, status="verified", title="ISO9001认证证书")
        CertificateFactory(company=company, status="pending", title="待审核的证书")
        CreditReference.objects.create(
            company=company,
            name="李明",
            firm="中国银行杭州分行",
            relation="开户银行",
            contact="0571-1",
        )
        res = Client().get(f"/companies/{company.member_id}/credit/")
        assert res.status_code == 200
        html = res.content.decode()
        for text in [
            "诚信档案",
            "信用积分构成",
            "一、企业身份认证",
            "已通过认证",
            "二、会员评价",
            "货真价实，发货很快",
            "三、证书荣誉",
            "ISO9001认证证书",
            "四、资信参考",
            "中国银行杭州分行",
            "平台活动记录",
            "积分变动记录",
            "收到会员评价",
            '<meta charset="utf-8">',
        ]:
            assert text in html, text
        assert "待审核的证书" not in html
        assert res.context["archive"].score == 12  # verified 10 + one positive review

    def test_reviews_are_paginated_and_filtered(self):
        company = CompanyFactory()
        for i in range(12):
            ReviewFactory(
                order__seller=company,
                reviewee=company,
                rating="negative" if i == 0 else "positive",
                comment=f"评价{i:02d}",
            )
        res = Client().get(f"/companies/{company.member_id}/credit/")
        assert len(res.context["page_obj"].object_list) == 10
        assert "第 1 / 2 页" in res.content.decode()
        res = Client().get(f"/companies/{company.member_id}/credit/?page=2")
        assert len(res.context["page_obj"].object_list) == 2
        res = Client().get(f"/companies/{company.member_id}/credit/?rating=negative")
        assert [r.comment for r in res.context["page_obj"]] == ["评价00"]

    def test_empty_states(self):
        company = trustpass_user().company
        html = Client().get(f"/companies/{company.member_id}/credit/").content.decode()
        for text in [
            "暂无评价。",
            "暂无经核实的证书荣誉。",
            "该企业暂未填写资信参考人。",
            "暂无积分变动记录。",
        ]:
            assert text in html

    def test_non_trustpass_company_hides_certificates_and_references(self):
        company = CompanyFactory()
        CertificateFactory(company=company, status="verified", title="看不见的证书")
        html = Client().get(f"/companies/{company.member_id}/credit/").content.decode()
        assert "不是诚信通会员" in html
        assert "看不见的证书" not in html

    def test_unknown_company_404(self):
        assert Client().get("/companies/nobody-here/credit/").status_code == 404


class TestBackOffice:
    def test_needs_login(self):
        res = Client().get("/my/credit/")
        assert res.status_code == 302 and "/login/" in res["Location"]

    def test_page_and_upload(self):
        user = UserFactory()
        client = client_for(user)
        res = client.get("/my/credit/")
        assert res.status_code == 200
        assert "您还没有上传证书" in res.content.decode()
        res = client.post(
            "/my/credit/certificates/",
            {"kind": "tax", "title": "税务登记证", "image": image_upload()},
        )
        assert res.status_code == 302
        cert = Certificate.objects.get(company=user.company)
        assert cert.status == "pending"
        html = client.get("/my/credit/").content.decode()
        assert "税务登记证" in html and "待审核" in html

    def test_upload_too_large_shows_the_limit(self):
        user = UserFactory()
        res = client_for(user).post(
            "/my/credit/certificates/",
            {"kind": "other", "title": "荣誉", "image": noisy_upload_over(1024 * 1024)},
        )
        assert res.status_code == 400
        assert "不能超过 1 MB" in res.content.decode()
        assert not Certificate.objects.exists()

    def test_delete_certificate_asks_first_and_others_get_404(self):
        user = UserFactory()
        cert = CertificateFactory(company=user.company, status="verified")
        client = client_for(user)
        res = client.get(f"/my/credit/certificates/{cert.pk}/delete/")
        assert res.status_code == 200 and "确认删除" in res.content.decode()
        assert "积分将一并扣除" in res.content.decode()
        assert Certificate.objects.filter(pk=cert.pk).exists()
        assert (
            client_for(UserFactory()).post(f"/my/credit/certificates/{cert.pk}/delete/").status_code
            == 404
        )
        assert client.post(f"/my/credit/certificates/{cert.pk}/delete/").status_code == 302
        assert not Certificate.objects.filter(pk=cert.pk).exists()

    def test_references(self):
        user = UserFactory()
        client = client_for(user)
        res = client.post(
            "/my/credit/references/",
            {"name": "李明", "firm": "", "relation": "客户", "contact": "1"},
        )
        assert res.status_code == 400 and "请填写单位。" in res.content.decode()
        res = client.post(
            "/my/credit/references/",
            {"name": "李明", "firm": "中国银行", "relation": "开户银行", "contact": "1"},
        )
        assert res.status_code == 302
        ref = CreditReference.objects.get(company=user.company)
        assert (
            client_for(UserFactory()).get(f"/my/credit/references/{ref.pk}/delete/").status_code
            == 404
        )
        assert "确认删除" in client.get(f"/my/credit/references/{ref.pk}/delete/").content.decode()
        client.post(f"/my/credit/references/{ref.pk}/delete/")
        assert not CreditReference.objects.exists()

    def test_csrf_is_enforced(self):
        user = UserFactory()
        client = Client(enforce_csrf_checks=True)
        client.force_login(user)
        res = client.post(
            "/my/credit/references/",
            {"name": "李明", "firm": "甲", "relation": "乙", "contact": "1"},
        )
        assert res.status_code == 403


class TestReviewBox:
    def render(self, order, user):
        request = RequestFactory().get(f"/my/orders/{order.pk}/")
        request.user = user
        return render_to_string("credit/_review_form.html", {"order": order}, request=request)

    def test_completed_trade_offers_all_three(self):
        order, buyer, _ = trade_between_members()
        html = self.render(order, buyer)
        assert 'value="positive"' in html and 'value="negative"' in html
        assert "csrfmiddlewaretoken" in html

    def test_refunded_trade_offers_neutral_and_negative(self):
        order, buyer, _ = trade_between_members(status="refunded")
        html = self.render(order, buyer)
        assert 'value="positive"' not in html and 'value="neutral"' in html
        assert "只能给中评或差评" in html

    def test_unpaid_and_not_trustpass(self):
        order, buyer, _ = trade_between_members(status="created")
        assert "买家付款后才能评价" in self.render(order, buyer)
        from tests.credit.factories import OrderFactory

        plain = UserFactory()
        order = OrderFactory(buyer=plain.company, seller=trustpass_user().company)
        assert "都是诚信通会员" in self.render(order, plain)

    def test_outsider_sees_nothing_and_reviewed_shows_the_review(self):
        order, buyer, seller = trade_between_members()
        assert self.render(order, trustpass_user()).strip() == ""
        Review.objects.create(
            order=order,
            reviewer=buyer.company,
            reviewee=seller.company,
            rating="positive",
            comment="很满意",
        )
        assert "每笔交易只能评价一次" in self.render(order, buyer)
        assert "对方对您的评价" in self.render(order, seller)

    def test_submit_from_the_order_page(self, django_capture_on_commit_callbacks):
        order, buyer, seller = trade_between_members()
        client = client_for(buyer)
        page = client.get(reverse("trade:order_detail", args=[order.pk]))
        assert page.status_code == 200
        assert "交易评价" in page.content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            res = client.post(
                reverse("credit:review_create", args=[order.pk]),
                {"rating": "positive", "comment": "好", "next": f"/my/orders/{order.pk}/"},
                follow=True,
            )
        assert res.redirect_chain[-1][0] == f"/my/orders/{order.pk}/"
        assert "评价已提交" in res.content.decode()
        assert Company.objects.get(pk=seller.company.pk).credit_score == 2
        res = client.post(
            reverse("credit:review_create", args=[order.pk]), {"rating": "neutral"}, follow=True
        )
        assert "只能评价一次" in res.content.decode()

    def test_submit_refusals_and_outsiders(self):
        order, buyer, _ = trade_between_members(status="refunded")
        res = client_for(buyer).post(
            reverse("credit:review_create", args=[order.pk]),
            {"rating": "positive", "next": "https://evil.example/"},
        )
        assert res["Location"] == reverse("trade:order_detail", args=[order.pk])
        assert not Review.objects.exists()
        res = client_for(trustpass_user()).post(
            reverse("credit:review_create", args=[order.pk]), {"rating": "neutral"}
        )
        assert res.status_code == 404


class TestAdmin:
    def test_changelist_with_thumbnails_filters_and_search(self, staff_user):
        cert = CertificateFactory(title="营业执照副本")
        client = client_for(staff_user)
        res = client.get("/admin/credit/certificate/")
        assert res.status_code == 200
        html = res.content.decode()
        assert "<img src=" in html and "营业执照副本" in html
        assert (
            client.get("/admin/credit/certificate/?status__exact=pending&q=营业执照").status_code
            == 200
        )
        assert client.get(f"/admin/credit/certificate/{cert.pk}/change/").status_code == 200

    def test_verify_action(self, staff_user, django_capture_on_commit_callbacks):
        cert = CertificateFactory(kind="tax")
        with django_capture_on_commit_callbacks(execute=True):
            res = client_for(staff_user).post(
                "/admin/credit/certificate/",
                {"action": "verify_selected", "_selected_action": [cert.pk]},
            )
        assert res.status_code == 302
        cert.refresh_from_db()
        assert cert.status == "verified" and cert.decided_by == staff_user
        assert Company.objects.get(pk=cert.company_id).credit_score == 5

    def test_reject_action_asks_for_a_reason(self, staff_user):
        cert = CertificateFactory()
        client = client_for(staff_user)
        res = client.post(
            "/admin/credit/certificate/",
            {"action": "reject_selected", "_selected_action": [cert.pk]},
        )
        assert res.status_code == 200 and "驳回原因" in res.content.decode()
        res = client.post(
            "/admin/credit/certificate/",
            {
                "action": "reject_selected",
                "_selected_action": [cert.pk],
                "apply": "1",
                "reason": "图片模糊",
            },
        )
        assert res.status_code == 302
        cert.refresh_from_db()
        assert (cert.status, cert.reject_reason) == ("rejected", "图片模糊")

    def test_staff_without_permission_cannot_decide(self):
        clerk = UserFactory(is_staff=True)
        clerk.user_permissions.add(
            *Permission.objects.filter(codename__in=["view_certificate", "change_certificate"])
        )
        cert = CertificateFactory()
        client = client_for(clerk)
        res = client.get("/admin/credit/certificate/")
        assert res.status_code == 200
        assert "verify_selected" not in res.content.decode()
        client.post(
            "/admin/credit/certificate/",
            {"action": "verify_selected", "_selected_action": [cert.pk]},
        )
        cert.refresh_from_db()
        assert cert.status == "pending"

    def test_other_credit_admin_pages(self, staff_user):
        ReviewFactory()
        client = client_for(staff_user)
        for path in ["review", "creditreference", "scorehistory", "creditscore"]:
            assert client.get(f"/admin/credit/{path}/").status_code == 200, path


@pytest.mark.parametrize(
    ("cause", "label"),
    [
        ("review:12", "收到会员评价"),
        ("certificate:3:verified", "证书通过核实"),
        ("certificate:3:rejected", "证书被驳回"),
        ("verification_approved", "身份认证通过"),
        ("verification_revoked", "身份认证被撤销"),
        ("membership_granted", "开通诚信通会员"),
        ("nightly", "每日重算（档案年限）"),
        ("something-else", "积分重新计算"),  # never the raw cause (issue 15)
    ],
)
def test_history_cause_labels(cause, label):
    from credit.templatetags.credit_tags import cause_label

    assert cause_label(cause) == label


def test_score_badge_links_to_the_archive():
    from django.template import Context, Template

    company = CompanyFactory(credit_score=42)
    html = Template("{% load credit_tags %}{% credit_badge company %}").render(
        Context({"company": company})
    )
    assert f"/companies/{company.member_id}/credit/" in html and "42" in html


class TestArchiveActivityRecord:
    def test_shows_the_sellers_response_rate(self):
        """R-C1 activity record: the seller's inquiry response rate over the last 90 days."""
        from inquiries.services import inquiry_reply, inquiry_send
        from tests.inquiries.inquiry_factories import seller_and_listing

        seller, listing = seller_and_listing()
        answered = inquiry_send(
            sender=UserFactory(), message="请问有现货吗？", quantity=5, listing=listing
        )
        inquiry_send(
            sender=UserFactory(), message="能开增值税发票吗？", quantity=2, listing=listing
        )
        inquiry_reply(sender=seller, inquiry_id=answered.pk, message="有现货，欢迎下单。")
        page = Client().get(reverse("credit:archive", args=[seller.company.member_id]))
        body = page.content.decode()
        assert "询盘回复率（近90天）" in body
        assert "50%（1/2）" in body

    def test_company_page_links_to_the_archive(self):
        company = CompanyFactory(member_id="hzsteel")
        body = Client().get(reverse("members:company", args=["hzsteel"])).content.decode()
        assert reverse("credit:archive", args=[company.member_id]) in body
