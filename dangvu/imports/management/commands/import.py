"""``dangvu import <kind> FILE [--dry-run]``: the same checks, messages and writes as the browser."""

from __future__ import annotations

import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from dangvu.imports import engine, services
from dangvu.imports.models import BatchStatus, ImportKind


def _vn(number: int) -> str:
    return f"{number:,}".replace(",", ".")


class Command(BaseCommand):
    help = ("Nhập dữ liệu từ tệp Excel (.xlsx) hoặc CSV: dangvu import "
            "members|organisations|events|candidates|decisions|activities TỆP [--dry-run].")

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=[k.value for k in ImportKind])
        parser.add_argument("file", nargs="?", help="Tệp .xlsx hoặc .csv")
        parser.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra và xem trước, không ghi gì.")
        parser.add_argument("--user", help="Tên đăng nhập của người nhập (mặc định: quản trị hệ thống duy nhất).")
        parser.add_argument("--batch", type=int, help="Ghi một lô đã tải lên trên trình duyệt (chạy nền).")
        parser.add_argument("--quiet", action="store_true", help="Không in dòng tiến độ.")
        parser.add_argument("--rollback", action="store_true",
                            help="Hoàn tác lô --batch đã ghi (cần --reason, trừ lô đã được xếp hàng hoàn tác trên trình duyệt).")
        parser.add_argument("--reason", help="Lý do hoàn tác (ít nhất 5 ký tự).")

    def _user(self, username):
        users = get_user_model().objects.filter(is_active=True)
        if username:
            user = users.filter(username=username).first()
            if user is None:
                raise CommandError(f"Không có tài khoản “{username}”.")
            return user
        admins = list(users.filter(is_superuser=True)[:2])
        if len(admins) != 1:
            raise CommandError("Hãy chỉ rõ người nhập bằng --user TÊN_ĐĂNG_NHẬP.")
        return admins[0]

    def handle(self, *args, **options):
        user = self._user(options["user"])
        kind = options["kind"]
        if not services.may_import(user, kind):
            raise CommandError(f"Tài khoản “{user.username}” không có quyền nhập loại dữ liệu này.")
        if options["rollback"] and not options["batch"]:
            raise CommandError("Hoàn tác cần số lô: --batch N.")
        if options["batch"]:
            # Through the access layer, as on the batch's page: the user's own batches (all for an administrator).
            batch = services.batches_for(user).filter(pk=options["batch"], kind=kind).first()
            if batch is None:
                raise CommandError(f"Không có lô {options['batch']}.")
        else:
            if not options["file"]:
                raise CommandError("Cần tên tệp.")
            path = Path(options["file"])
            if not path.is_file():
                raise CommandError(f"Không có tệp {path}.")
            batch = services.batch_create(user=user, kind=kind, file_name=path.name, content=path.read_bytes())

        quiet = options["quiet"]

        def progress(done, total, phase):
            if phase == "rollback" and options["batch"]:
                engine.write_progress(batch.pk, done, total, phase)
            if quiet:
                return
            word = {"validate": "Kiểm tra", "rollback": "Hoàn tác"}.get(phase, "Ghi")
            percent = int(done * 100 / total) if total else 100
            unit = "bản ghi" if phase == "rollback" else "dòng"
            sys.stderr.write(f"\r{word}: {_vn(done)}/{_vn(total)} {unit} ({percent}%)   ")
            sys.stderr.flush()

        if options["rollback"]:
            self._rollback(batch, user, options["reason"], progress, quiet)
            return
        if options["dry_run"]:
            report = services.batch_preview(batch, user=user, progress=progress)
        else:
            try:
                report = services.batch_commit(batch, user=user, progress=progress)
            except services.ImportRefused as exc:
                raise CommandError(str(exc)) from exc
        if not quiet:
            sys.stderr.write("\n")
        for note in report.notes:
            self.stdout.write(note)
        for issue in report.issues:
            self.stdout.write(engine.issue_text(issue))
        counts = report.counts()
        summary = (f"Lô {batch.pk}: {_vn(counts['total'])} dòng — thêm mới {_vn(counts['new'])}, cập nhật "
                   f"{_vn(counts['update'])}, không đổi {_vn(counts['unchanged'])}, lỗi {_vn(counts['error'])}.")
        self.stdout.write(summary)
        if not report.ok:
            raise CommandError(f"Có {_vn(len(report.issues))} lỗi: không ghi gì vào hệ thống.", returncode=2)
        self.stdout.write("Đã kiểm tra xong, chưa ghi gì (--dry-run)." if options["dry_run"]
                          else "Đã ghi vào hệ thống.")

    def _rollback(self, batch, user, reason, progress, quiet):
        try:
            if batch.status == BatchStatus.ROLLING_BACK and not reason:
                services.batch_rollback_queued(batch, user=user, progress=progress)
            else:
                services.batch_rollback(batch, user=user, reason=reason or "", progress=progress)
        except services.ImportRefused as exc:
            raise CommandError(str(exc)) from exc
        finally:
            if not quiet:
                sys.stderr.write("\n")
        self.stdout.write(f"Đã hoàn tác lô {batch.pk}.")
