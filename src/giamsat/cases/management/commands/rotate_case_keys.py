from django.core.management.base import BaseCommand
from django.db import transaction

from giamsat.cases.keys import rotate_all
from giamsat.core import audit


class Command(BaseCommand):
    help = (
        "Mã hóa lại dữ liệu vụ việc bằng khóa mới nhất (đầu danh sách GIAMSAT_DATA_KEYS); sau đó có thể bỏ khóa cũ. "
        "/ Re-encrypt case data with the newest data key."
    )

    def handle(self, *args, **options):
        counts = rotate_all(progress=lambda m: self.stdout.write(f"  {m}"))
        with transaction.atomic():
            audit.record(None, "cases.rotate_keys", changes=counts)
        total = sum(counts.values())
        self.stdout.write(self.style.SUCCESS(f"Đã mã hóa lại / re-encrypted {total} dòng / rows: {counts}"))
