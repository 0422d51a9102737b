"""Settings load in each mode; production passes `check --deploy` at WARNING level."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def _env(**extra) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DATABASE_URL",
            "REDIS_URL",
            "DJANGO_SETTINGS_MODULE",
            "DEBUG",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    env.update(extra)
    return env


def _settings_probe(module: str, **extra) -> dict:
    code = (
        "import json, django; from django.conf import settings as s; django.setup();"
        "print(json.dumps({'engine': s.DATABASES['default']['ENGINE'],"
        " 'eager': s.CELERY_TASK_ALWAYS_EAGER, 'broker': s.CELERY_BROKER_URL,"
        " 'cache': s.CACHES['default']['BACKEND'], 'tz': s.TIME_ZONE, 'lang': s.LANGUAGE_CODE,"
        " 'langs': [c for c, _ in s.LANGUAGES], 'debug': s.DEBUG,"
        " 'ssl': getattr(s, 'SECURE_SSL_REDIRECT', False), 'hsts': s.SECURE_HSTS_SECONDS,"
        " 'storefront': s.STOREFRONT_DOMAIN, 'acks_late': s.CELERY_TASK_ACKS_LATE,"
        " 'reject_lost': s.CELERY_TASK_REJECT_ON_WORKER_LOST,"
        " 'visibility': s.CELERY_BROKER_TRANSPORT_OPTIONS['visibility_timeout'],"
        " 'soft': s.CELERY_TASK_SOFT_TIME_LIMIT, 'hard': s.CELERY_TASK_TIME_LIMIT,"
        " 'throttle': s.REST_FRAMEWORK['DEFAULT_THROTTLE_RATES']}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=_env(DJANGO_SETTINGS_MODULE=module, **extra),
        check=True,
    )
    import json

    return json.loads(out.stdout.strip().splitlines()[-1])


def test_embedded_default_is_sqlite_eager_and_local_memory():
    s = _settings_probe("marketplace.settings.local")
    assert s["engine"] == "django.db.backends.sqlite3"
    assert s["eager"] is True
    assert s["broker"] == "memory://"
    assert s["cache"].endswith("LocMemCache")
    assert s["tz"] == "Asia/Shanghai"
    assert s["lang"] == "zh-hans"
    assert s["langs"] == ["zh-hans", "en"]
    assert s["storefront"] == "shop.localhost"


def test_environment_switches_to_postgresql_and_redis():
    s = _settings_probe(
        "marketplace.settings.local",
        DATABASE_URL="postgres://u@db.example:5432/mp",
        REDIS_URL="redis://cache.example:6379/0",
    )
    assert s["engine"] == "django.db.backends.postgresql"
    assert s["eager"] is False
    assert s["broker"] == "redis://cache.example:6379/0"
    assert s["cache"].endswith("RedisCache")


def test_celery_settings_for_idempotent_tasks():
    s = _settings_probe("marketplace.settings.local")
    assert s["acks_late"] is True
    assert s["reject_lost"] is True
    assert s["soft"] < s["hard"]
    # A message of a worker that died mid-task comes back within the hour (it was 4 hours),
    # yet never while a live worker still runs it (see the test below for every task).
    assert s["hard"] < s["visibility"] <= 3600
    custom = _settings_probe("marketplace.settings.local", CELERY_VISIBILITY_TIMEOUT="900")
    assert custom["visibility"] == 900


def test_visibility_timeout_exceeds_every_task_time_limit(settings):
    """Redis redelivers an unacknowledged message after the visibility timeout: a task that
    may run longer would be delivered to a second worker while the first still runs it."""
    from marketplace.celery import app

    app.loader.import_default_modules()
    timeout = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert timeout == settings.CELERY_VISIBILITY_TIMEOUT
    limits = {
        name: task.time_limit or app.conf.task_time_limit
        for name, task in app.tasks.items()
        if not name.startswith("celery.")
    }
    assert limits and all(limits.values())
    assert {name: limit for name, limit in limits.items() if limit + 60 > timeout} == {}


def _production_env(**extra):
    # No real payment provider exists yet, so this deployment opts in to the test gateway.
    return {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "www.example.cn",
        "PAYMENT_TEST_GATEWAY_ALLOWED": "true",
        **extra,
    }


def test_production_settings_load_secure():
    s = _settings_probe("marketplace.settings.production", **_production_env())
    assert s["debug"] is False
    assert s["ssl"] is True
    assert s["hsts"] >= 31536000


def test_check_deploy_is_clean_in_production_mode():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=_env(DJANGO_SETTINGS_MODULE="marketplace.settings.production", **_production_env()),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_about_the_test_gateway_unless_chosen_on_purpose():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=_env(
            DJANGO_SETTINGS_MODULE="marketplace.settings.production",
            **_production_env(PAYMENT_TEST_GATEWAY_ALLOWED="false"),
        ),
    )
    assert result.returncode != 0
    assert "trade.W001" in result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=_env(
            DJANGO_SETTINGS_MODULE="marketplace.settings.production", ALLOWED_HOSTS="www.example.cn"
        ),
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_api_throttles_default_on_and_turn_off_only_when_asked():
    assert _settings_probe("marketplace.settings.local")["throttle"] == {
        "anon": "600/min",
        "user": "1200/min",
        "sign_in": "30/min",
        "sign_up": "30/min",
        "password_reset": "10/hour",
        "password_change": "10/hour",
    }
    s = _settings_probe("marketplace.settings.local", THROTTLE_ANON="off", THROTTLE_USER="30/min")
    assert s["throttle"] == {
        "anon": None,
        "user": "30/min",
        "sign_in": "30/min",
        "sign_up": "30/min",
        "password_reset": "10/hour",
        "password_change": "10/hour",
    }
