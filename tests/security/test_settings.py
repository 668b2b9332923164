"""SEC-07 / SEC-39: production settings and error pages."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.urls import include, path

from dangvu.web.views import server_error

STRONG_KEY = "p" * 30 + "-Q7x!" + "z" * 30
# The browser tests allow Django's ORM inside Playwright's event loop for their own process; a
# production check must not inherit that.
_NOT_INHERITED = {"DEBUG", "SECRET_KEY", "DEPLOYMENT_PROFILE", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def _clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in _NOT_INHERITED}


def _check_deploy(**env: str) -> subprocess.CompletedProcess:
    environment = _clean_env()
    environment.update({"DJANGO_SETTINGS_MODULE": "dangvu.settings", "SECRET_KEY": STRONG_KEY,
                        "ALLOWED_HOSTS": "dangvu.dang.vn", "DATABASE_URL": "sqlite:////tmp/dangvu-check.sqlite3"},
                       **env)
    return subprocess.run([sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
                          capture_output=True, text=True, env=environment, timeout=120)


def test_check_deploy_is_clean_for_the_party_network_profile():
    result = _check_deploy(DEPLOYMENT_PROFILE="B")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_on_an_isolated_lan_silences_only_the_tls_checks():
    result = _check_deploy(DEPLOYMENT_PROFILE="A")
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    environment = _clean_env()
    result = subprocess.run([sys.executable, "-c", "import dangvu.settings"], capture_output=True, text=True,
                            env={**environment, "DEBUG": "false"}, timeout=60)
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_production_refuses_a_weak_secret_key():
    environment = _clean_env()
    result = subprocess.run([sys.executable, "-c", "import dangvu.settings"], capture_output=True, text=True,
                            env={**environment, "DEBUG": "false", "SECRET_KEY": "short"}, timeout=60)
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_a_bad_boolean_setting_is_refused():
    environment = _clean_env()
    result = subprocess.run([sys.executable, "-c", "import dangvu.settings"], capture_output=True, text=True,
                            env={**environment, "DEBUG": "maybe"}, timeout=60)
    assert result.returncode != 0 and "DEBUG" in result.stderr


def _boom(request):
    raise RuntimeError("SELECT secret FROM members_member -- internal detail")


urlpatterns = [path("boom/", _boom, name="boom"), path("", include("dangvu.urls"))]
handler500 = server_error


@pytest.mark.urls(__name__)
def test_errors_show_a_generic_vietnamese_page_without_traceback(client, db):
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Lỗi hệ thống" in body
    assert "Traceback" not in body and "members_member" not in body and "RuntimeError" not in body
