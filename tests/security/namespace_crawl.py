"""Run INSIDE a network namespace that has only loopback (``unshare -rn``), by test_unshare_crawl.py.

1. Brings loopback up and proves that nothing else is reachable (a TEST-NET address and a public DNS name).
2. Starts the real server process (``dangvu runserver``, production settings, whitenoise static files)
   on 127.0.0.1 — the server inherits the namespace, so it too runs with outbound network refused.
3. Logs in over HTTP as every demo account and crawls every page, stylesheet and script it can reach
   (breadth first, a few URLs per shape), recording outside-host references, personal data in addresses,
   server errors and the pages seen. Prints one JSON object on stdout.

Usage: namespace_crawl.py <database file> <password> <username>...  (environment as for the server)
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import deque
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from crawling import external_references, links_in, personal_data_in, same_site  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
PAGES_PER_ROLE = 90
SAME_SHAPE_LIMIT = 1
SKIP = ("/dang-xuat/", "/quan-tri/")  # logout ends the crawl's session; Django admin is not ours to crawl


def loopback_up() -> None:
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)


def outbound_blocked() -> dict:
    result = {}
    with socket.socket() as sock:
        sock.settimeout(3)
        try:
            sock.connect(("192.0.2.1", 80))
            result["connect"] = "connected"
        except OSError as exc:
            result["connect"] = f"refused: {exc.strerror or exc}"
    try:
        socket.getaddrinfo("pypi.org", 443)
        result["dns"] = "resolved"
    except OSError as exc:
        result["dns"] = f"refused: {exc}"
    return result


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def shape(url: str) -> tuple[str, tuple[str, ...]]:
    parts = urllib.parse.urlsplit(url)
    keys = tuple(sorted(urllib.parse.parse_qs(parts.query, keep_blank_values=True)))
    return re.sub(r"\d+", "{n}", parts.path), keys


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def crawl(base: str, username: str, password: str, names, identifiers) -> dict:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)

    def fetch(url, data=None):
        request = urllib.request.Request(url, data=data, headers={"Referer": base + "/"})
        try:
            with opener.open(request, timeout=60) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers), exc.read()

    status, _, body = fetch(base + "/dang-nhap/")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    status, headers, _ = fetch(base + "/dang-nhap/", urllib.parse.urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": token}).encode())
    report = {"login": status, "fetched": 0, "outside": [], "personal": [], "errors": [], "kinds": {}}
    if status != 302:
        return report
    own_hosts = {urllib.parse.urlsplit(base).hostname}
    queue, seen, shapes = deque([base + "/"]), set(), {}
    while queue and report["fetched"] < PAGES_PER_ROLE:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        report["personal"] += [f"{url}: {p}" for p in personal_data_in(url, names, identifiers)]
        path = urllib.parse.urlsplit(url).path
        if path.startswith(SKIP):
            continue
        key = shape(url)
        shapes[key] = shapes.get(key, 0) + 1
        if shapes[key] > SAME_SHAPE_LIMIT:
            continue
        status, headers, body = fetch(url)
        report["fetched"] += 1
        kind = (headers.get("Content-Type") or "").split(";")[0]
        report["kinds"][kind] = report["kinds"].get(kind, 0) + 1
        if status >= 500:
            report["errors"].append(f"{status} {url}")
        if status in (301, 302, 303, 307, 308):
            location = urllib.parse.urljoin(url, headers.get("Location", ""))
            report["personal"] += [f"{url} → {location}: {p}" for p in personal_data_in(location, names, identifiers)]
            if same_site(base + "/", location):
                queue.append(location)
            continue
        if kind in ("text/html", "text/css", "text/javascript", "application/javascript"):
            text = body.decode("utf-8", errors="replace")
            report["outside"] += [f"{url}: {ref}" for ref in external_references(text, own_hosts)]
            if kind == "text/html":
                for link in links_in(text):
                    target = same_site(url, link)
                    if target:
                        report["personal"] += [f"{url} links {target}: {p}"
                                               for p in personal_data_in(target, names, identifiers)]
                        queue.append(target)
    return report


def main() -> None:
    database, password, *usernames = sys.argv[1:]
    loopback_up()
    result = {"outbound": outbound_blocked(), "roles": {}}
    with sqlite3.connect(database) as db:
        names = sorted({row[0] for row in db.execute("SELECT full_name FROM members_member")})
        identifiers = sorted({value for row in db.execute("SELECT citizen_id, card_number FROM members_member")
                              for value in row if value})
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([sys.executable, "-m", "django", "runserver", f"127.0.0.1:{port}", "--noreload"],
                              cwd=ROOT, env=os.environ.copy(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if server.poll() is not None:
                    raise SystemExit(f"server died: {server.stderr.read().decode()[-2000:]}") from None
                time.sleep(0.3)
        result["server_pid"] = server.pid
        with open(f"/proc/{server.pid}/ns/net", "rb"):
            result["server_netns"] = os.readlink(f"/proc/{server.pid}/ns/net")
        result["crawler_netns"] = os.readlink("/proc/self/ns/net")
        started = time.monotonic()
        for username in usernames:
            result["roles"][username] = crawl(base, username, password, names, identifiers)
        result["seconds"] = round(time.monotonic() - started, 1)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
