"""Concurrent sign-ups (issue 17, finding 9): racing registrations of one user name or one
member ID on the real PostgreSQL give one 201 and the domain error for the others, never a
500 from the unique key."""

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from members.models import Company, User

pytestmark = pytest.mark.django_db(transaction=True)

URL = "/api/v1/auth/register/"


def body(i: int, *, username: str = "racer", member_id: str | None = None) -> dict:
    return {
        "username": username,
        "password": "Bingfa-2026!",
        "email": f"racer{i}@race.example.cn",
        "company": {
            "member_id": member_id or f"race-co-{i}",
            "name": f"并发注册测试公司{i}",
            "contact_name": "赵敏",
            "phone": "13900000000",
        },
    }


def post_together(bodies: list[dict]) -> list:
    """POST every body from its own thread (own connection), released by one barrier."""
    barrier = threading.Barrier(len(bodies))
    responses, errors = [], []
    lock = threading.Lock()

    def run(data):
        try:
            client = APIClient(raise_request_exception=False)
            barrier.wait(timeout=10)
            response = client.post(URL, data, format="json")
            with lock:
                responses.append(response)
        except Exception as exc:  # asserted below
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(b,)) for b in bodies]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads)
    assert errors == []
    return responses


def test_eight_sign_ups_with_one_user_name_one_wins_seven_username_taken():
    responses = post_together([body(i) for i in range(8)])

    codes = sorted(r.status_code for r in responses)
    assert codes == [201] + [400] * 7, [(r.status_code, r.content[:200]) for r in responses]
    refused = [r.json() for r in responses if r.status_code == 400]
    assert {r["code"] for r in refused} == {"username_taken"}
    assert all(r["detail"] for r in refused)
    assert User.objects.filter(username="racer").count() == 1
    # The losers' companies were rolled back with them: one account, one company.
    assert Company.objects.filter(member_id__startswith="race-co-").count() == 1
    assert User.objects.get(username="racer").company.member_id.startswith("race-co-")


def test_eight_sign_ups_with_one_member_id_one_wins_seven_member_id_unavailable():
    responses = post_together(
        [body(i, username=f"racer{i}", member_id="race-co") for i in range(8)]
    )

    codes = sorted(r.status_code for r in responses)
    assert codes == [201] + [400] * 7, [(r.status_code, r.content[:200]) for r in responses]
    assert {r.json()["code"] for r in responses if r.status_code == 400} == {
        "member_id_unavailable"
    }
    assert Company.objects.filter(member_id="race-co").count() == 1
    assert User.objects.filter(username__startswith="racer").count() == 1
