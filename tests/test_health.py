"""`/healthz` and `/readyz` as API.md's Operations section says (issue 17, item 6)."""

import pytest
from django.db import OperationalError, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder

from tests.integration.private_pg import free_port


def _refuse(self):
    raise OperationalError("connection refused")


@pytest.fixture
def database_down(db):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(type(connections["default"]), "ensure_connection", _refuse)
        yield


@pytest.fixture
def cache_down(settings):
    """The cache on a port where nothing listens (the project's cache swallows the errors)."""
    settings.CACHES = {
        "default": {
            **settings.CACHES["default"],
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
        }
    }


def test_ready(db, client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok", "migrations": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_not_ready_without_the_database(database_down, client):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "database": "error: OperationalError",
        "cache": "ok",
        "migrations": "unknown",
    }


def test_not_ready_without_the_cache(db, cache_down, client):
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["cache"].startswith("error: ")
    assert body["database"] == body["migrations"] == "ok"


def test_not_ready_with_a_pending_migration(db, client):
    """The last migration of an app unrecorded: as after deploying code before `migrate`."""
    executor = MigrationExecutor(connections["default"])
    app, name = next(
        node for node in sorted(executor.loader.graph.leaf_nodes()) if node[0] == "listings"
    )
    assert MigrationRecorder.Migration.objects.filter(app=app, name=name).delete()[0] == 1
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "cache": "ok", "migrations": "pending: 1"}


def test_pending_migrations_are_counted(db, client, monkeypatch):
    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: [1, 2])
    assert client.get("/readyz").json()["migrations"] == "pending: 2"


def test_healthz_needs_neither_database_nor_cache(database_down, cache_down, client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_plain_views_anonymous_get_and_head_only(db, client):
    """Plain Django views: no DRF authentication or throttles; probes may call them often."""
    for _ in range(3):
        assert client.get("/healthz").status_code == 200
        assert client.head("/readyz").status_code == 200
    assert client.post("/readyz").status_code == 405
