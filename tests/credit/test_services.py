"""Credit services against PostgreSQL: score sources, recomputation and history (R-C2–R-C7)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from credit import recalculation, selectors, services
from credit.models import Certificate, CreditScore, PendingRecalculation, ScoreHistory
from credit.tasks import credit_recalculate_task
from members.models import Company
from tests.credit.factories import (
    CertificateFactory,
    OrderFactory,
    ReviewFactory,
    image_upload,
    period,
)
from tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db


def score_of(company):
    return Company.objects.get(pk=company.pk).credit_score


def recalc(company, cause="test"):
    return services.credit_recalculate(company_id=company.pk, cause=cause)


class TestArchiveYears:
    @pytest.mark.parametrize(("days", "points"), [(364, 0), (365, 20), (729, 20), (730, 40)])
    def test_two_periods_with_a_gap(self, days, points):
        company = CompanyFactory()
        today = timezone.localdate()
        # Second period: the last 100 days, still running for 265 more (only past days count).
        second = period(company, today - timedelta(days=100), 365)
        # First period ends 50 days before the second starts: a gap.
        first_days = days - 100
        first_end = second.starts_on - timedelta(days=50)
        period(company, first_end - timedelta(days=first_days), first_days)
        breakdown = recalc(company)
        assert breakdown.archive_years == points
        assert score_of(company) == points

    def test_overlapping_periods_counted_once(self):
        company = CompanyFactory()
        today = timezone.localdate()
        period(company, today - timedelta(days=400), 365)  # ends 35 days ago
        period(company, today - timedelta(days=200), 365)  # overlaps, runs on
        assert recalc(company).archive_years == 20  # 400 days, not 565
        period(company, today - timedelta(days=400), 300)  # inside the others
        assert recalc(company).archive_years == 20


class TestCertificates:
    def verified(self, company, kind, n):
        for _ in range(n):
            cert = CertificateFactory(company=company, kind=kind)
            services.certificate_verify(certificate_id=cert.pk)

    def test_two_tax_certificates_give_five(self):
        company = CompanyFactory()
        self.verified(company, "tax", 2)
        assert recalc(company).certificates == 5

    def test_six_other_certificates_give_ten_five_give_ten_four_give_eight(self):
        company = CompanyFactory()
        self.verified(company, "other", 4)
        assert recalc(company).certificates == 8
        self.verified(company, "licence", 1)
        assert recalc(company).certificates == 10
        self.verified(company, "product", 1)
        assert recalc(company).certificates == 10

    def test_pending_and_rejected_certificates_give_nothing(self):
        company = CompanyFactory()
        CertificateFactory(company=company, kind="tax")
        rejected = CertificateFactory(company=company, kind="other")
        services.certificate_reject(certificate_id=rejected.pk, reason="图片模糊")
        assert recalc(company).certificates == 0
        assert score_of(company) == 0

    def test_rejecting_a_verified_certificate_takes_its_points(
        self, django_capture_on_commit_callbacks
    ):
        company = CompanyFactory()
        cert = CertificateFactory(company=company, kind="tax")
        with django_capture_on_commit_callbacks(execute=True):
            services.certificate_verify(certificate_id=cert.pk)
        assert score_of(company) == 5
        with django_capture_on_commit_callbacks(execute=True):
            services.certificate_reject(certificate_id=cert.pk, reason="证书已过期，请上传新证书")
        assert score_of(company) == 0
        cert.refresh_from_db()
        assert cert.status == Certificate.Status.REJECTED
        assert cert.reject_reason == "证书已过期，请上传新证书"

    def test_verify_twice_is_a_no_op(self, django_capture_on_commit_callbacks):
        cert = CertificateFactory(kind="product")
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            services.certificate_verify(certificate_id=cert.pk)
            services.certificate_verify(certificate_id=cert.pk)
        assert len(callbacks) == 1
        assert ScoreHistory.objects.filter(company=cert.company).count() == 1

    def test_reject_needs_a_reason(self):
        cert = CertificateFactory()
        with pytest.raises(services.DomainError) as exc:
            services.certificate_reject(certificate_id=cert.pk, reason="  ")
        assert exc.value.code == "reason_required"

    def test_unknown_certificate(self):
        with pytest.raises(services.CertificateNotFound):
            services.certificate_verify(certificate_id=999999)

    def test_upload_stores_a_jpeg_and_a_thumbnail(self):
        company = CompanyFactory()
        cert = services.certificate_upload(
            company=company, kind="tax", title="税务登记证", image=image_upload(size=(1200, 900))
        )
        assert cert.status == Certificate.Status.PENDING
        assert cert.image.name.endswith(".jpg")
        from PIL import Image

        with cert.thumbnail.open() as f:
            thumb = Image.open(f)
            assert max(thumb.size) == services.THUMBNAIL_SIDE
        assert score_of(company) == 0

    def test_upload_at_one_megabyte_passes_and_one_byte_over_is_refused(self):
        from marketplace.exceptions import FileTooLarge
        from marketplace.uploads import CERTIFICATE_IMAGE_MAX_BYTES

        from .factories import noisy_upload_over

        company = CompanyFactory()
        big = noisy_upload_over(CERTIFICATE_IMAGE_MAX_BYTES)
        with pytest.raises(FileTooLarge) as exc:
            services.certificate_upload(company=company, kind="other", title="荣誉", image=big)
        assert exc.value.status_code == 413
        # Pad a PNG to exactly 1 MB (trailing bytes after IEND are ignored by decoders).
        from django.core.files.uploadedfile import SimpleUploadedFile

        from .factories import image_bytes

        data = image_bytes()
        exact = data + b"\0" * (CERTIFICATE_IMAGE_MAX_BYTES - len(data))
        upload = SimpleUploadedFile("exact.png", exact, content_type="image/png")
        cert = services.certificate_upload(
            company=company, kind="other", title="荣誉", image=upload
        )
        assert cert.pk
        assert not Certificate.objects.filter(title="荣誉").exclude(pk=cert.pk).exists()

    def test_upload_refuses_bad_kind_empty_title_and_non_images(self):
        from django.core.files.uploadedfile import SimpleUploadedFile

        company = CompanyFactory()
        with pytest.raises(services.DomainError) as exc:
            services.certificate_upload(
                company=company, kind="medal", title="x", image=image_upload()
            )
        assert exc.value.code == "invalid_kind"
        with pytest.raises(services.DomainError) as exc:
            services.certificate_upload(
                company=company, kind="tax", title=" ", image=image_upload()
            )
        assert "title" in exc.value.fields
        text = SimpleUploadedFile("a.png", b"not an image at all", content_type="image/png")
        with pytest.raises(services.DomainError) as exc:
            services.certificate_upload(company=company, kind="tax", title="证书", image=text)
        assert exc.value.code == "not_an_image"
        assert not Certificate.objects.exists()


class TestVerification:
    """R-C2 as the membership engineer's verification service drives it: it sets
    Company.verified and calls the hook in the same transaction."""

    def set_verified(self, company, value, cause):
        from django.db import transaction

        with transaction.atomic():
            Company.objects.select_for_update().filter(pk=company.pk).update(verified=value)
            services.credit_recalculate_on_commit(company_id=company.pk, cause=cause)

    def test_approved_plus_ten_then_revoked_back_to_zero(self, django_capture_on_commit_callbacks):
        company = CompanyFactory()
        with django_capture_on_commit_callbacks(execute=True):
            self.set_verified(company, True, "verification_approved")
        assert score_of(company) == 10
        with django_capture_on_commit_callbacks(execute=True):
            self.set_verified(company, False, "verification_revoked")
        assert score_of(company) == 0
        rows = list(ScoreHistory.objects.filter(company=company).order_by("id"))
        assert [(r.old_score, r.new_score, r.cause) for r in rows] == [
            (0, 10, "verification_approved"),
            (10, 0, "verification_revoked"),
        ]
        assert rows[0].breakdown == {
            "verification": 10,
            "archive_years": 0,
            "reviews": 0,
            "certificates": 0,
        }


class TestRecalculation:
    def test_history_only_when_the_score_changes(self):
        company = CompanyFactory()
        recalc(company)
        assert not ScoreHistory.objects.filter(company=company).exists()
        assert CreditScore.objects.get(company=company).total == 0
        ReviewFactory(reviewee=company, rating="positive")
        recalc(company, "review:1")
        recalc(company, "review:1")
        assert ScoreHistory.objects.filter(company=company).count() == 1
        assert score_of(company) == 2

    def test_replay_of_the_task_leaves_one_history_row_and_the_same_score(self):
        company = CompanyFactory(verified=True)
        ReviewFactory(reviewee=company, rating="negative")
        first = credit_recalculate_task.apply(args=[company.pk, "review:7"]).get()
        second = credit_recalculate_task.apply(args=[company.pk, "review:7"]).get()
        assert first == second == 8
        assert ScoreHistory.objects.filter(company=company).count() == 1
        assert score_of(company) == 8

    def test_a_breakdown_change_without_a_total_change_leaves_no_history(self):
        company = CompanyFactory()
        ReviewFactory(reviewee=company, rating="positive")
        ReviewFactory(reviewee=company, rating="positive")
        ReviewFactory(reviewee=company, rating="positive")
        ReviewFactory(reviewee=company, rating="positive")
        ReviewFactory(reviewee=company, rating="positive")
        recalc(company)
        assert score_of(company) == 10
        Company.objects.filter(pk=company.pk).update(verified=True)
        ReviewFactory(reviewee=company, rating="negative")
        ReviewFactory(reviewee=company, rating="negative")
        ReviewFactory(reviewee=company, rating="negative")
        ReviewFactory(reviewee=company, rating="negative")
        ReviewFactory(reviewee=company, rating="negative")
        recalc(company)
        assert score_of(company) == 10
        assert ScoreHistory.objects.filter(company=company).count() == 1
        assert CreditScore.objects.get(company=company).as_dict() == {
            "verification": 10,
            "archive_years": 0,
            "reviews": 0,
            "certificates": 0,
        }

    def test_a_stale_denormalised_score_is_corrected(self):
        company = CompanyFactory()
        Company.objects.filter(pk=company.pk).update(credit_score=999)
        recalc(company, "repair")
        assert score_of(company) == 0
        row = ScoreHistory.objects.get(company=company)
        assert (row.old_score, row.new_score, row.cause) == (999, 0, "repair")

    def test_missing_company_is_ignored(self):
        assert services.credit_recalculate(company_id=987654, cause="x") is None


class TestOutbox:
    def test_hook_leaves_a_marker_until_the_task_ran(self, django_capture_on_commit_callbacks):
        company = CompanyFactory(verified=True)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            services.credit_recalculate_on_commit(company_id=company.pk, cause="a")
            services.credit_recalculate_on_commit(company_id=company.pk, cause="b")
        marker = PendingRecalculation.objects.get(company=company)
        assert (marker.version, marker.cause) == (2, "b")
        assert len(callbacks) == 2
        assert score_of(company) == 0  # nothing ran yet
        for callback in callbacks:
            callback()
        assert score_of(company) == 10
        assert not PendingRecalculation.objects.filter(company=company).exists()

    def test_a_newer_event_keeps_its_marker(self, monkeypatch):
        company = CompanyFactory(verified=True)
        recalculation.mark_pending(company_id=company.pk, cause="first")
        real = selectors.company_breakdown

        def breakdown_then_new_event(c, today=None):
            result = real(c, today=today)
            recalculation.mark_pending(company_id=company.pk, cause="second")  # arrives mid-task
            return result

        monkeypatch.setattr(selectors, "company_breakdown", breakdown_then_new_event)
        recalc(company)
        marker = PendingRecalculation.objects.get(company=company)
        assert (marker.version, marker.cause) == (2, "second")

    def test_sweep_enqueues_what_is_left(self, django_capture_on_commit_callbacks):
        company = CompanyFactory(verified=True)
        recalculation.mark_pending(company_id=company.pk, cause="lost message")
        assert services.credit_recalculate_pending(older_than_seconds=60) == 0
        assert score_of(company) == 0
        assert services.credit_recalculate_pending(older_than_seconds=0) == 1
        assert score_of(company) == 10
        assert not PendingRecalculation.objects.exists()


class TestMembershipHook:
    def test_membership_grant_recomputes_archive_years(self, django_capture_on_commit_callbacks):
        from members.services import membership_grant

        company = CompanyFactory()
        today = timezone.localdate()
        with django_capture_on_commit_callbacks(execute=True):
            membership_grant(
                company=company,
                starts_on=today - timedelta(days=400),
                ends_on=today + timedelta(days=30),
            )
        assert score_of(company) == 20
        assert ScoreHistory.objects.get(company=company).new_score == 20


class TestReferences:
    def test_add_and_remove(self):
        company = CompanyFactory()
        ref = services.reference_add(
            company=company,
            name="李明",
            firm="中国银行杭州分行",
            relation="开户银行",
            contact="0571-87000000",
        )
        assert ref.pk
        other = CompanyFactory()
        with pytest.raises(services.ReferenceNotFound):
            services.reference_remove(company=other, reference_id=ref.pk)
        services.reference_remove(company=company, reference_id=ref.pk)
        assert not company.credit_references.exists()

    def test_missing_and_too_long_fields(self):
        company = CompanyFactory()
        with pytest.raises(services.DomainError) as exc:
            services.reference_add(company=company, name="", firm="x", relation="", contact="1")
        assert set(exc.value.fields) == {"name", "relation"}
        with pytest.raises(services.DomainError) as exc:
            services.reference_add(
                company=company, name="甲" * 51, firm="x", relation="y", contact="1"
            )
        assert set(exc.value.fields) == {"name"}
        services.reference_add(company=company, name="甲" * 50, firm="x", relation="y", contact="1")

    def test_references_earn_no_points(self):
        company = CompanyFactory()
        services.reference_add(
            company=company, name="李明", firm="甲", relation="客户", contact="1"
        )
        assert recalc(company).total == 0


def test_order_factory_statuses():
    order = OrderFactory(status="refunded")
    assert order.paid_at and order.refunded_at and not order.completed_at


class TestTasksAndSchedule:
    def test_beat_runs_the_nightly_job_and_the_sweep(self, settings):
        from marketplace.celery import app

        schedule = settings.CELERY_BEAT_SCHEDULE
        tasks = {entry["task"] for entry in schedule.values()}
        assert {"credit.recalculate_all", "credit.recalculate_pending"} <= tasks
        for name in ("credit.recalculate_all", "credit.recalculate_pending", "credit.recalculate"):
            assert name in app.tasks

    def test_nightly_task_recomputes_everyone(self):
        from credit.tasks import credit_recalculate_all_task

        company = CompanyFactory(verified=True)
        result = credit_recalculate_all_task.apply().get()
        assert result["changed"] == 1
        assert score_of(company) == 10
        assert ScoreHistory.objects.get(company=company).cause == "nightly"
