"""The path of `make run`, and the shared pages (home, company, admin, schema, language)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories import CompanyFactory, ListingFactory, TrustPassPeriodFactory

ROOT = Path(__file__).resolve().parent.parent.parent


def test_make_run_path_on_a_fresh_sqlite_file(tmp_path):
    """migrate + seed_demo on a new SQLite file, then the pages `make run` serves answer 200."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="marketplace.settings.local",
        DATABASE_URL=f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
        MEDIA_ROOT=str(tmp_path / "media"),
    )

    def run(*args):
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )

    migrate = run("migrate", "--noinput")
    assert migrate.returncode == 0, migrate.stderr
    seed = run("seed_demo")
    assert seed.returncode == 0, seed.stderr
    assert "管理员账号" in seed.stdout  # credentials printed in the embedded default only
    again = run("seed_demo")
    assert again.returncode == 0, again.stderr
    assert "新建 0 家" in again.stdout  # idempotent
    probe = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "c = Client()\n"
        "for url in ['/', '/companies/hzsteel/', '/admin/login/', '/api/v1/schema/',"
        " '/search/?q=钢管']:\n"
        "    r = c.get(url)\n"
        "    print(url, r.status_code, '杭州华钢管业有限公司' in r.content.decode())\n"
        # search on SQLite: the Python engine and the portable card statement (R-S1)
        "r = c.get('/api/v1/search/', {'q': '钢管'}).json()\n"
        "first = r['results'][0]\n"
        "print('api', r['count'] > 0, '钢管' in first['title'] + first['keyword'],"
        " 'T' in first['published_at'], bool(first['company']['member_id']))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    lines = dict(line.split(" ", 1) for line in result.stdout.strip().splitlines())
    assert lines["/"].startswith("200"), result.stderr
    assert lines["/companies/hzsteel/"] == "200 True"
    assert lines["/admin/login/"].startswith("200")
    assert lines["/api/v1/schema/"].startswith("200")
    assert lines["/search/?q=钢管"] == "200 True"
    assert lines["api"] == "True True True True"


@pytest.mark.django_db
def test_home_page_is_chinese_with_nav_and_empty_state(client):
    page = client.get("/").content.decode()
    for text in ["首页", "供应信息", "求购信息", "诚信通", "我的阿里助手", 'name="q"']:
        assert text in page
    assert "还没有已上网的供求信息" in page


@pytest.mark.django_db
def test_home_page_shows_newest_live_listings_only(client):
    ListingFactory(title="供应304不锈钢无缝钢管")
    ListingFactory(title="草稿里的阀门", status="draft")
    page = client.get("/").content.decode()
    assert "供应304不锈钢无缝钢管" in page
    assert "草稿里的阀门" not in page
    assert "还没有已上网的供求信息" not in page


@pytest.mark.django_db
def test_company_page_shows_badges(client):
    company = CompanyFactory(member_id="hzsteel", name="杭州华钢管业有限公司", verified=True)
    TrustPassPeriodFactory(company=company)
    page = client.get(reverse("members:company", args=["hzsteel"])).content.decode()
    assert "杭州华钢管业有限公司" in page
    assert "诚信通" in page and "已认证" in page
    assert client.get(reverse("members:company", args=["nobody"])).status_code == 404


@pytest.mark.django_db
def test_admin_login_is_chinese_with_site_name(client):
    page = client.get("/admin/login/").content.decode()
    assert "诚信通商务平台 管理后台" in page


@pytest.mark.django_db
def test_schema_and_docs_are_served(client):
    schema = client.get("/api/v1/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/auth/register/" in schema.content
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    assert b"swagger" in docs.content.lower()


@pytest.mark.django_db
def test_english_is_the_second_language(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    page = client.get("/").content.decode()
    assert 'lang="en"' in page
    assert "Home" in page and "Supply" in page


@pytest.mark.django_db
def test_security_headers(client):
    response = client.get("/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] in ("SAMEORIGIN", "DENY")
