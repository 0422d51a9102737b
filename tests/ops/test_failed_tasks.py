"""Issue 16: a task whose retries are spent (or that does not retry and fails) is recorded as a
FailedTask row, shown read-only in the admin, and re-run from there with its arguments; a
re-run that succeeds resolves the row, one that fails again counts on the same row."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from marketplace.celery import app as celery_app
from ops import failures
from ops.failures import FAILED_TASK_HEADER, failed_task_rerun
from ops.models import FailedTask
from tests.factories import UserFactory
from tests.ops import tasks_for_tests as t

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _reset():
    # In-process runs retry as a worker would only when their errors are not raised to the
    # caller at once (tests raise them: CELERY_TASK_EAGER_PROPAGATES).
    propagates = celery_app.conf.task_eager_propagates
    celery_app.conf.task_eager_propagates = False
    t.CALLS.clear()
    t.FAIL["times"] = 0
    yield
    t.FAIL["times"] = 0
    celery_app.conf.task_eager_propagates = propagates


def _fail_for_good():
    """Three runs (the first and its two retries) all fail: the retries are spent."""
    t.FAIL["times"] = 3
    result = t.flaky.apply_async((7,), {"label": "甲"})
    assert result.failed() and isinstance(result.result, t.Flaky)
    return FailedTask.objects.get()


def test_retries_exhausted_make_one_row_with_what_a_rerun_needs():
    row = _fail_for_good()
    assert len(t.CALLS) == 3  # tried, retried twice, given up
    assert row.task_name == "tests.ops.flaky"
    assert row.args == [7] and row.kwargs == {"label": "甲"}
    assert row.exception_type == "Flaky"
    assert "still failing" in row.exception_message
    assert "Flaky" in row.traceback
    assert row.retries == 2
    assert row.status == FailedTask.Status.FAILED and row.failures == 1


def test_a_retry_that_succeeds_records_nothing():
    t.FAIL["times"] = 2
    assert t.flaky.apply_async((1,)).get() == "ok 1 "
    assert not FailedTask.objects.exists()


def test_rerun_sends_the_task_again_and_resolves_the_row(django_capture_on_commit_callbacks):
    row = _fail_for_good()
    staff = UserFactory(is_staff=True)
    with django_capture_on_commit_callbacks(execute=True):
        failed_task_rerun(failed_task_id=row.pk, by=staff)
    assert t.CALLS[-1] == (7, "甲")  # eager in tests: run at once, with the recorded arguments
    row.refresh_from_db()
    assert row.status == FailedTask.Status.RESOLVED and row.resolved_at is not None
    assert row.reruns == 1 and row.last_rerun_by == staff and row.last_rerun_at is not None


def test_a_rerun_that_fails_again_counts_on_the_same_row(django_capture_on_commit_callbacks):
    row = _fail_for_good()
    t.FAIL["times"] = 3
    with django_capture_on_commit_callbacks(execute=True):  # robust: the failure is logged
        failed_task_rerun(failed_task_id=row.pk)
    assert FailedTask.objects.count() == 1
    row.refresh_from_db()
    assert row.status == FailedTask.Status.FAILED
    assert row.failures == 2 and row.reruns == 1


def test_the_rerun_message_carries_the_row(monkeypatch, django_capture_on_commit_callbacks):
    row = _fail_for_good()
    sent = []
    monkeypatch.setattr(t.flaky, "apply_async", lambda **kw: sent.append(kw))
    with django_capture_on_commit_callbacks(execute=True):
        failed_task_rerun(failed_task_id=row.pk)
    assert sent == [
        {"args": [7], "kwargs": {"label": "甲"}, "headers": {FAILED_TASK_HEADER: row.pk}}
    ]


def test_recording_never_breaks_the_caller(monkeypatch, caplog):
    """The database refusing the row (here: any error) is logged; the task's own error stays."""

    def refuse(**kwargs):
        raise RuntimeError("database away")

    monkeypatch.setattr(failures, "failed_task_record", refuse)
    t.FAIL["times"] = 3
    assert t.flaky.apply_async((1,)).failed()
    assert not FailedTask.objects.exists()
    assert "could not be recorded" in caplog.text


# --- admin ------------------------------------------------------------------------------
@pytest.fixture
def admin_client(client, staff_user):
    client.force_login(staff_user)
    return client


def test_admin_lists_filters_and_searches(admin_client):
    row = _fail_for_good()
    url = reverse("admin:ops_failedtask_changelist")

    def shown(**query):
        response = admin_client.get(url, query)
        assert response.status_code == 200
        return [obj.pk for obj in response.context["cl"].result_list]

    assert "still failing" in admin_client.get(url).content.decode()
    assert shown() == [row.pk]
    assert shown(status__exact="failed") == [row.pk]
    assert shown(status__exact="resolved") == []
    assert shown(task_name="tests.ops.flaky") == [row.pk]
    assert shown(q="still failing") == [row.pk]
    assert shown(q=row.task_id) == [row.pk]
    assert shown(q="nothing like it") == []


def test_admin_detail_is_read_only(admin_client):
    row = _fail_for_good()
    url = reverse("admin:ops_failedtask_change", args=[row.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    assert 'name="task_name"' not in page.content.decode()  # no form fields: a view
    assert admin_client.post(url, {"task_name": "x"}).status_code == 403
    assert admin_client.get(reverse("admin:ops_failedtask_add")).status_code == 403


def test_admin_rerun_action(admin_client, django_capture_on_commit_callbacks):
    row = _fail_for_good()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:ops_failedtask_changelist"),
            {"action": "rerun_selected", "_selected_action": [row.pk]},
            follow=True,
        )
    assert "已重新发送 1 个任务" in response.content.decode()
    row.refresh_from_db()
    assert row.status == FailedTask.Status.RESOLVED and row.reruns == 1


def test_rerun_needs_its_permission(client):
    row = _fail_for_good()
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_failedtask"))
    client.force_login(viewer)
    url = reverse("admin:ops_failedtask_changelist")
    assert client.get(url).status_code == 200
    response = client.post(url, {"action": "rerun_selected", "_selected_action": [row.pk]})
    row.refresh_from_db()
    assert row.reruns == 0 and response.status_code in (200, 302)

    viewer.user_permissions.add(Permission.objects.get(codename="rerun_failedtask"))
    viewer = type(viewer).objects.get(pk=viewer.pk)  # permissions are cached per instance
    client.force_login(viewer)
    client.post(url, {"action": "rerun_selected", "_selected_action": [row.pk]})
    row.refresh_from_db()
    assert row.reruns == 1
