#!/usr/bin/env python3
"""Mutation check of the P0 security tests (docs/security.md): remove each protection in a scratch copy
and confirm that the test named for it fails.

Never touches the checkout it is run from: the tree is copied to a scratch folder (default /tmp/h5mut,
without .venv and var/), every mutation is applied there, its tests run with this checkout's virtualenv,
and the file is put back before the next one. Not part of the test suite (it lives in scripts/).

    .venv/bin/python scripts/mutation_check.py                 # every mutation
    .venv/bin/python scripts/mutation_check.py SEC-10 SEC-34   # only these IDs
    .venv/bin/python scripts/mutation_check.py --list

Result per mutation: "caught" (the named tests failed), "SURVIVED" (they passed: the test proves nothing),
or "broken" (the mutation text was not found: the code moved, update the mutation). Exit status 1 if any
mutation survived or broke. Results are printed as a Markdown table and written to <scratch>/mutation.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = ROOT / ".venv" / "bin" / "python"
# Protections that exist only in PostgreSQL (triggers) are checked there; pytest-django creates test_<name>.
PG_URL = os.environ.get("MUTATION_PG_URL", "postgres://postgres@127.0.0.1:5432/dangvu_mutation")


@dataclass(frozen=True)
class Mutation:
    sec: str
    what: str  # "removed X"
    path: str
    old: str
    new: str
    tests: tuple[str, ...]  # pytest arguments (node ids, -k expressions)
    database: str = ""  # "postgresql": the tests run on a scratch PostgreSQL database (see PG_URL)


M = Mutation
MUTATIONS: list[Mutation] = [
    M("SEC-01", "scope filter in access_member (any member by id)", "dangvu/access/policies.py",
      'member = Member.objects.filter(scope.path_q("org_path"), pk=pk)', "member = Member.objects.filter(pk=pk)",
      ("tests/access/test_matrix.py", "-k", "role_gets_expected_status and members:detail")),
    M("SEC-01", "write check in access_organisation (read-only roles may write)", "dangvu/access/policies.py",
      "if for_write and not (scope.roles_at(organisation.path) & STRUCTURE_WRITERS):", "if False:",
      ("tests/access/test_matrix.py", "-k", "role_gets_expected_status and organisations:term_create")),
    M("SEC-02", "access layer in a view (direct Member lookup added)", "dangvu/members/views.py",
      "def member_detail(request, pk: int):\n",
      "def member_detail(request, pk: int):\n    Member.objects.get(pk=pk)\n",
      ("tests/test_architecture.py::test_presentation_code_never_looks_up_scoped_models_directly",)),
    M("SEC-02", "a branch of the access layer left untested (new branch in access_member)", "dangvu/access/policies.py",
      "    scope = scope_for(user)\n    member = Member.objects",
      "    scope = scope_for(user)\n    if pk == 'legacy':\n        return None\n    member = Member.objects",
      ("tests/security/test_access_policies.py::test_access_layer_branch_coverage",)),
    M("SEC-03", "field-level rule may_see_sensitive (everyone sees citizen IDs)", "dangvu/access/policies.py",
      "    scope = scope_for(user)\n    if member is None:", "    return True\n    scope = scope_for(user)\n    if member is None:",
      ("tests/members/test_views.py", "-k", "never_see_the_citizen_id")),
    M("SEC-05", "loopback-only sockets in the suite (--allow-hosts)", "pyproject.toml",
      'addopts = "-ra --strict-markers --allow-hosts=127.0.0.1,::1"', 'addopts = "-ra --strict-markers"',
      ("tests/test_environment.py::test_outbound_network_is_refused",)),
    M("SEC-05", "vendored assets (a CDN stylesheet in base.html)", "dangvu/web/templates/base.html",
      "</head>", '<link rel="stylesheet" href="https://cdn.example.com/x.css"></head>',
      ("tests/security/test_offline.py::test_no_outside_host_in_the_package", "tests/access/test_matrix.py", "-k",
       "test_no_outside_host_in_the_package or (role_gets_expected_status and home)")),
    M("SEC-05", "vendored assets, seen by the live-server crawl in unshare -n", "dangvu/web/templates/base.html",
      "</head>", '<script src="//cdn.example.com/x.js"></script></head>',
      ("tests/security/test_unshare_crawl.py",)),
    M("SEC-07", "secure cookies in profile B", "dangvu/settings.py",
      "SESSION_COOKIE_SECURE = _TLS\n", "SESSION_COOKIE_SECURE = False\n",
      ("tests/security/test_settings.py::test_check_deploy_is_clean_for_the_party_network_profile",)),
    M("SEC-09", "__Host- cookie prefix over HTTPS", "dangvu/settings.py",
      'SESSION_COOKIE_NAME = "__Host-sessionid" if _TLS else "sessionid"', 'SESSION_COOKIE_NAME = "sessionid"',
      ("tests/security/test_cookies.py",)),
    M("SEC-09", "no state change by GET (home page writes)", "dangvu/web/views.py",
      "    today = timezone.localdate()\n    members = members_for(request.user, for_write=False)",
      "    today = timezone.localdate()\n    request.user.first_name += '.'\n    request.user.save()\n"
      "    members = members_for(request.user, for_write=False)",
      ("tests/access/test_matrix.py", "-k", "get_never_changes_state and home")),
    M("SEC-09", "no personal data in links (a citizen ID in a link of every page)", "dangvu/web/templates/base.html",
      "</body>", '<a href="/?so=079090000001">x</a></body>',
      ("tests/security/test_urls_personal_data.py", "-k", "every_role")),
    M("SEC-09", "no personal data in routes (a name route)", "dangvu/members/urls.py",
      'path("<int:pk>/", views.member_detail, name="detail"),',
      'path("<int:pk>/", views.member_detail, name="detail"),\n    path("ten/<str:full_name>/", views.member_detail, '
      'name="by_name"),',
      ("tests/security/test_urls_personal_data.py::test_sec_09_url_patterns_take_only_keys_and_fixed_words",)),
    M("SEC-10", "forced password change (middleware redirect)", "dangvu/accounts/middleware.py",
      'if getattr(user, "must_change_password", False) and not _may_pass_while_forced(request.path):',
      "if False:",
      ("tests/accounts/test_admin_sessions.py", "-k", "must_change_the_password_before_anything_else")),
    M("SEC-10", "flag set by an administrator's reset", "dangvu/accounts/services.py",
      "    user.must_change_password = True\n", "",
      ("tests/accounts/test_admin_sessions.py", "-k", "sec_10")),
    M("SEC-10", "password policy (14 characters)", "dangvu/settings.py",
      '"OPTIONS": {"min_length": 14}', '"OPTIONS": {"min_length": 8}',
      ("tests/accounts/test_login.py", "-k", "weak_passwords")),
    M("SEC-11", "lockout after 5 failures", "dangvu/settings.py",
      'AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)', 'AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 6)',
      ("tests/accounts/test_login.py", "-k", "five_failures")),
    M("SEC-12", "5-minute idle timeout on administration pages", "dangvu/accounts/middleware.py",
      'if request.path.startswith("/quan-tri/")', 'if request.path.startswith("/khong-co/")',
      ("tests/accounts/test_admin_sessions.py", "-k", "five")),
    M("SEC-12", "15-minute idle timeout", "dangvu/accounts/middleware.py",
      "if now - last_seen > idle.total_seconds() or", "if False and now - last_seen > idle.total_seconds() or",
      ("tests/accounts/test_login.py", "-k", "fifteen_idle")),
    M("SEC-16", "READ row on a dossier view", "dangvu/members/views.py",
      "    audit_record(actor=request.user, action=AuditAction.READ, target=member,",
      "    None and audit_record(actor=request.user, action=AuditAction.READ, target=member,",
      ("tests/security/test_audit_sweep.py", "-k", "members:detail")),
    M("SEC-16", "READ row on a discipline case", "dangvu/oversight/views.py",
      "    audit_record(actor=request.user, action=AuditAction.READ, target=case,",
      "    None and audit_record(actor=request.user, action=AuditAction.READ, target=case,",
      ("tests/security/test_audit_sweep.py", "-k", "case_detail")),
    M("SEC-16", "source address in audit rows", "dangvu/audit/middleware.py",
      'current_ip.set(request.META.get("REMOTE_ADDR"))', "current_ip.set(None)",
      ("tests/security/test_audit_sweep.py", "-k", "activity_detail")),
    M("SEC-17", "hash check of verify-audit", "dangvu/audit/services.py",
      "if compute_hash(entry) != entry.entry_hash:", "if False:",
      ("tests/audit/test_audit.py", "-k", "altering_a_row")),
    M("SEC-19", "log scanner (citizen IDs no longer flagged)", "tests/conftest.py",
      r'FORBIDDEN = re.compile(r"(?<!\d)\d{12}(?!\d)|', r'FORBIDDEN = re.compile(r"(?<!\d)\d{13}(?!\d)|',
      ("tests/security/test_log_scan.py",)),
    M("SEC-23", "a classified field dropped from the data inventory", "dangvu/privacy/inventory.py",
      '        "citizen_id": SENSITIVE_3,\n        "card_number": BASIC_2,\n', '        "card_number": BASIC_2,\n',
      ("tests/security/test_data_inventory.py",)),
    M("SEC-34", "the transaction of report_issue", "dangvu/reports/services.py",
      "@transaction.atomic\ndef report_issue(", "def report_issue(",
      ("tests/security/test_crash_safety.py", "-k", "report")),
    M("SEC-34", "the transaction of candidate_record_step (admission ceremony)", "dangvu/development/services.py",
      "@transaction.atomic\ndef candidate_record_step(", "def candidate_record_step(",
      ("tests/security/test_crash_safety.py", "-k", "ceremony")),
    M("SEC-39", "generic 500 page (traceback shown)", "dangvu/web/views.py",
      '"message": "Đã có lỗi xảy ra. Thao tác chưa được lưu. Vui lòng thử lại hoặc báo quản trị."},',
      '"message": __import__("traceback").format_exc()},',
      ("tests/security/test_settings.py::test_errors_show_a_generic_vietnamese_page_without_traceback",)),
    M("SEC-17", "PostgreSQL trigger refusing UPDATE/DELETE of audit rows (not created)",
      "dangvu/audit/migrations/0003_append_only_trigger.py",
      "        schema_editor.execute(CREATE)", "        pass",
      ("tests/security/test_no_erasure.py", "-k", "sec_17"), database="postgresql"),
    M("SEC-26", "PostgreSQL triggers refusing DELETE of members, ledger and values (not created)",
      "dangvu/members/migrations/0004_refuse_hard_delete.py",
      'f"CREATE TRIGGER {table}_no_delete', 'f"SELECT 1 -- {table}_no_delete',
      ("tests/security/test_no_erasure.py", "-k", "sec_26"), database="postgresql"),
    M("SEC-46", "dependency review (an unreviewed package in the lock)", "requirements.lock",
      "django==5.2.19 \\\n", "requests==2.32.3 \\\n    --hash=sha256:00\ndjango==5.2.19 \\\n",
      ("tests/security/test_offline.py::test_locked_dependencies_are_the_reviewed_ones",)),
]


def copy_tree(scratch: Path) -> None:
    if scratch.exists():
        shutil.rmtree(scratch)
    shutil.copytree(ROOT, scratch, symlinks=True,
                    ignore=shutil.ignore_patterns(".venv", "var", ".git", "__pycache__", ".pytest_cache", "*.egg-info"))


def run_tests(scratch: Path, tests: tuple[str, ...], database: str = "") -> tuple[int, str]:
    environment = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL"}}
    if database == "postgresql":
        environment["DATABASE_URL"] = PG_URL
    environment["PYTHONDONTWRITEBYTECODE"] = "1"
    result = subprocess.run([str(PYTHON), "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *tests], cwd=scratch,
                            env=environment, capture_output=True, text=True, timeout=3600)
    tail = [line for line in result.stdout.splitlines() if " passed" in line or " failed" in line
            or " error" in line or "no tests ran" in line]
    return result.returncode, (tail[-1] if tail else result.stdout[-300:]).strip("= ")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ids", nargs="*", help="only these SEC IDs")
    parser.add_argument("--scratch", default="/tmp/h5mut")
    parser.add_argument("--list", action="store_true")
    options = parser.parse_args()
    chosen = [m for m in MUTATIONS if not options.ids or m.sec in options.ids]
    if options.list:
        for m in chosen:
            print(f"{m.sec}: {m.what} → {' '.join(m.tests)}")
        return 0
    scratch = Path(options.scratch).resolve()
    if scratch == ROOT or ROOT in scratch.parents:
        raise SystemExit("the scratch folder must lie outside the checkout")
    copy_tree(scratch)
    check = subprocess.run([str(PYTHON), "-c", "import dangvu, sys; print(dangvu.__file__)"], cwd=scratch,
                           capture_output=True, text=True)
    if not check.stdout.strip().startswith(str(scratch)):
        raise SystemExit(f"the scratch copy does not shadow the installed package: {check.stdout}{check.stderr}")
    results = []
    for mutation in chosen:
        target = scratch / mutation.path
        original = target.read_text(encoding="utf-8")
        if original.count(mutation.old) != 1:
            results.append({**mutation.__dict__, "result": "broken", "detail": "mutation text not found once"})
            print(f"{mutation.sec}: {mutation.what}: BROKEN (text not found)", flush=True)
            continue
        target.write_text(original.replace(mutation.old, mutation.new), encoding="utf-8")
        started = time.monotonic()
        try:
            code, detail = run_tests(scratch, mutation.tests, mutation.database)
        finally:
            target.write_text(original, encoding="utf-8")
        verdict = "caught" if code == 1 else "SURVIVED" if code == 0 else f"error (exit {code})"
        results.append({**mutation.__dict__, "result": verdict, "detail": detail,
                        "seconds": round(time.monotonic() - started)})
        print(f"{mutation.sec}: {mutation.what}: {verdict} — {detail}", flush=True)
    (scratch / "mutation.json").write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    print("\n| ID | Protection removed | Test run | Result |\n|---|---|---|---|")
    for r in results:
        print(f"| {r['sec']} | {r['what']} | `{' '.join(r['tests'])}` | {r['result']}: {r['detail']} |")
    return 0 if all(r["result"] == "caught" for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
