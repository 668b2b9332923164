from django.apps import apps
from django.core.management.base import BaseCommand

from dangvu.privacy.inventory import INVENTORY


class Command(BaseCommand):
    help = "In danh mục dữ liệu: từng trường của từng bảng, loại dữ liệu cá nhân và mức bảo vệ (SEC-23)."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="in cả các trường không chứa dữ liệu cá nhân")

    def handle(self, *args, all=False, **options):
        self.stdout.write("Bảng\tTrường\tTên hiển thị\tLoại\tMức bảo vệ")
        for label, fields in sorted(INVENTORY.items()):
            model = apps.get_model(label)
            for name, classification in fields.items():
                if classification.category == "none" and not all:
                    continue
                verbose = str(model._meta.get_field(name).verbose_name)
                self.stdout.write(f"{label}\t{name}\t{verbose}\t{classification.label}\t{classification.level}")
