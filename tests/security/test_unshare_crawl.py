"""SEC-05 (b): the real server process, started inside a network namespace with only loopback
(``unshare -rn``: no route, no DNS), is crawled page by page as every demo account; no page, stylesheet or
script refers to an outside host, no address carries personal data, nothing fails with a 5xx.

Migration, static collection and the demo data load run inside the same namespace, so they too are
proven to need no network. Skipped (with the reason) where unprivileged user namespaces are unavailable;
the in-process suite is in any case confined by pytest-socket (tests/test_environment.py).
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dangvu.demo import data

pytestmark = pytest.mark.own_database

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("namespace_crawl.py")
STRONG_KEY = "n" * 30 + "-Q7x!" + "s" * 30
_NOT_INHERITED = {"DEBUG", "SECRET_KEY", "SECRET_KEY_FILE", "DEPLOYMENT_PROFILE", "TLS", "DJANGO_ALLOW_ASYNC_UNSAFE",
                  "DATABASE_URL", "DANGVU_DATA_DIR", "ALLOWED_HOSTS", "http_proxy", "https_proxy", "HTTP_PROXY",
                  "HTTPS_PROXY", "no_proxy", "NO_PROXY"}


def _namespaces_available() -> str | None:
    if not shutil.which("unshare") or not shutil.which("ip"):
        return "unshare or ip (util-linux, iproute2) not installed"
    probe = subprocess.run(["unshare", "-rn", "true"], capture_output=True, text=True)
    return None if probe.returncode == 0 else f"unshare -rn refused: {probe.stderr.strip()}"


@pytest.fixture(scope="module")
def crawl_result(tmp_path_factory) -> dict:
    reason = _namespaces_available()
    if reason:
        pytest.skip(reason)
    folder = tmp_path_factory.mktemp("netns")
    database = folder / "dangvu.sqlite3"
    environment = {k: v for k, v in os.environ.items() if k not in _NOT_INHERITED}
    environment.update({"DJANGO_SETTINGS_MODULE": "dangvu.settings", "DEBUG": "false", "DEPLOYMENT_PROFILE": "A",
                        "SECRET_KEY": STRONG_KEY, "ALLOWED_HOSTS": "127.0.0.1", "DANGVU_DATA_DIR": str(folder),
                        "DATABASE_URL": f"sqlite:///{database}", "LOG_LEVEL": "WARNING"})
    python = shlex.quote(sys.executable)
    users = " ".join(shlex.quote(user.username) for user in data.DEMO_USERS)
    inside = (f"set -e; ip link set lo up; "
              f"{python} -m django migrate --noinput -v0; {python} -m django collectstatic --noinput -v0; "
              f"{python} -m django demo_load > {shlex.quote(str(folder / 'demo.txt'))}; "
              f"{python} {shlex.quote(str(SCRIPT))} {shlex.quote(str(database))} {shlex.quote(data.DEMO_PASSWORD)} "
              f"{users}")
    result = subprocess.run(["unshare", "-rn", "sh", "-c", inside], cwd=ROOT, env=environment, capture_output=True,
                            text=True, timeout=1500)
    assert result.returncode == 0, result.stderr[-4000:]
    found = json.loads(result.stdout.strip().splitlines()[-1])
    found["demo_load"] = (folder / "demo.txt").read_text(encoding="utf-8").splitlines()[:1]
    print(json.dumps({u: {k: v for k, v in r.items() if k in ("fetched", "kinds")} for u, r in found["roles"].items()},
                     ensure_ascii=False), found["demo_load"], found.get("seconds"))
    return found


def test_sec_05_the_namespace_has_no_outbound_network(crawl_result):
    """SEC-05: inside the namespace a TEST-NET address is unreachable and no name resolves; the server ran
    in that namespace (not in the test's own)."""
    assert crawl_result["outbound"]["connect"].startswith("refused"), crawl_result["outbound"]
    assert crawl_result["outbound"]["dns"].startswith("refused"), crawl_result["outbound"]
    assert crawl_result["server_netns"] == crawl_result["crawler_netns"]
    assert crawl_result["server_netns"] != os.readlink("/proc/self/ns/net")


def test_sec_05_every_role_crawls_the_live_server_without_outside_hosts(crawl_result):
    """SEC-05 (b): every page, stylesheet and script the demo accounts reach names no outside host."""
    roles = crawl_result["roles"]
    assert set(roles) == {user.username for user in data.DEMO_USERS}
    for username, seen in roles.items():
        assert seen["login"] == 302, f"{username} could not log in"
        assert seen["fetched"] >= 15, f"{username}: only {seen['fetched']} pages"
        assert seen["kinds"].get("text/html", 0) >= 10 and seen["kinds"].get("text/css", 0) >= 1, seen["kinds"]
        assert not seen["outside"], (username, seen["outside"][:10])
        assert not seen["errors"], (username, seen["errors"][:10])


def test_sec_09_no_personal_data_in_the_live_servers_addresses(crawl_result):
    """SEC-09: no link or redirect seen on the live server carries a citizen ID, card number or member name."""
    for username, seen in crawl_result["roles"].items():
        assert not seen["personal"], (username, seen["personal"][:10])
