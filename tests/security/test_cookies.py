"""SEC-09: cookie hardening per deployment profile.

Each case starts a fresh process on the production settings module (``dangvu.settings``, not the test
settings) with the profile's environment, migrates a throwaway SQLite database, opens the login page and
logs in with Django's test client, and reports the ``Set-Cookie`` headers it saw. Over HTTPS (profile B,
or profile A with ``TLS=true``) both cookies must carry the ``__Host-`` prefix with ``Secure; Path=/`` and
no ``Domain``; on plain http (profile A without TLS, demo profile C as started by ``scripts/start.sh``)
the plain names are kept and the login must still work over http.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.own_database

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "c" * 30 + "-Q7x!" + "k" * 30
_NOT_INHERITED = {"DEBUG", "SECRET_KEY", "SECRET_KEY_FILE", "DEPLOYMENT_PROFILE", "TLS", "DJANGO_ALLOW_ASYNC_UNSAFE",
                  "SECURE_SSL_REDIRECT", "DATABASE_URL"}

SCRIPT = r"""
import json, django
django.setup()
from django.conf import settings
from django.core.management import call_command
from django.test import Client, override_settings
call_command("migrate", verbosity=0)  # a no-op on the pre-migrated copy
# Static files are not collected in this throwaway process; everything else is the production setup.
override_settings(STORAGES={**settings.STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}).enable()
from dangvu.accounts.models import User
User.objects.create_user("nguoi_dung", password="Mat-Khau-Rat-Dai-2026!")
secure = settings.SESSION_COOKIE_SECURE
client = Client(HTTP_HOST="dangvu.dang.vn")
page = client.get("/dang-nhap/", secure=secure)
login = client.post("/dang-nhap/", {"username": "nguoi_dung", "password": "Mat-Khau-Rat-Dai-2026!"}, secure=secure,
                    REMOTE_ADDR="127.0.0.1")
home = client.get("/", secure=secure)
cookies = {}
for response in (page, login):
    for name, morsel in response.cookies.items():
        cookies[name] = {"secure": bool(morsel["secure"]), "path": morsel["path"], "domain": morsel["domain"],
                         "httponly": bool(morsel["httponly"]), "samesite": morsel["samesite"]}
print(json.dumps({"page": page.status_code, "login": login.status_code, "location": login.get("Location"),
                  "home": home.status_code, "cookies": cookies}))
"""


@pytest.fixture(scope="module")
def migrated(tmp_path_factory) -> Path:
    """One migrated SQLite file, copied by every case (migrating takes most of a case's time)."""
    folder = tmp_path_factory.mktemp("cookies")
    environment = {k: v for k, v in os.environ.items() if k not in _NOT_INHERITED}
    environment.update({"DJANGO_SETTINGS_MODULE": "dangvu.test_settings", "DANGVU_DATA_DIR": str(folder),
                        "DATABASE_URL": f"sqlite:///{folder / 'template.sqlite3'}"})
    result = subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=environment,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return folder / "template.sqlite3"


def _run(tmp_path, migrated: Path, **env: str) -> dict:
    shutil.copyfile(migrated, tmp_path / "cookies.sqlite3")
    environment = {k: v for k, v in os.environ.items() if k not in _NOT_INHERITED}
    environment.update({"DJANGO_SETTINGS_MODULE": "dangvu.settings", "ALLOWED_HOSTS": "dangvu.dang.vn",
                        "DANGVU_DATA_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'cookies.sqlite3'}"},
                       **env)
    result = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, env=environment, capture_output=True,
                            text=True, timeout=180)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


HTTPS_PROFILES = {
    "B (Party network, TLS)": {"DEPLOYMENT_PROFILE": "B", "DEBUG": "false", "SECRET_KEY": STRONG_KEY},
    "A with TLS=true": {"DEPLOYMENT_PROFILE": "A", "TLS": "true", "DEBUG": "false", "SECRET_KEY": STRONG_KEY},
}
HTTP_PROFILES = {
    "A (isolated LAN, no TLS)": {"DEPLOYMENT_PROFILE": "A", "DEBUG": "false", "SECRET_KEY": STRONG_KEY},
    # As scripts/start.sh runs it: production settings, demo profile, plain http.
    "C (demo, start.sh)": {"DEPLOYMENT_PROFILE": "C", "DEBUG": "false", "SECRET_KEY": STRONG_KEY},
}


@pytest.mark.parametrize("profile", list(HTTPS_PROFILES))
def test_sec_09_https_profiles_use_host_prefixed_secure_cookies(tmp_path, migrated, profile):
    """SEC-09: ``__Host-sessionid`` and ``__Host-csrftoken``: Secure, HttpOnly, SameSite, Path=/, no Domain."""
    seen = _run(tmp_path, migrated, **HTTPS_PROFILES[profile])
    assert seen["page"] == 200 and seen["login"] == 302 and seen["home"] == 200, seen
    assert set(seen["cookies"]) == {"__Host-sessionid", "__Host-csrftoken"}, seen["cookies"]
    for name, cookie in seen["cookies"].items():
        assert cookie["secure"] and cookie["httponly"], name
        assert cookie["path"] == "/" and not cookie["domain"], name  # what browsers demand of __Host-
        assert cookie["samesite"] == "Lax", name


@pytest.mark.parametrize("profile", list(HTTP_PROFILES))
def test_sec_09_plain_http_profiles_keep_working_cookies(tmp_path, migrated, profile):
    """SEC-09: on plain http a ``__Host-``/Secure cookie would be dropped by the browser and nobody could log
    in; these profiles keep HttpOnly + SameSite cookies without the prefix, and the login works over http."""
    seen = _run(tmp_path, migrated, **HTTP_PROFILES[profile])
    assert seen["page"] == 200 and seen["login"] == 302 and seen["home"] == 200, seen
    assert set(seen["cookies"]) == {"sessionid", "csrftoken"}, seen["cookies"]
    for name, cookie in seen["cookies"].items():
        assert not cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Lax", name
