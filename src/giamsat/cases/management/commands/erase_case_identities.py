import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from giamsat.cases.choices import CaseStatus
from giamsat.cases.models import Case, CaseSettings
from giamsat.cases.services import erase_identities


class Command(BaseCommand):
    help = (
        "Xóa thông tin nhận dạng của vụ việc đã lưu trữ, đóng quá thời hạn lưu giữ (Thiết lập vụ việc); giữ số liệu "
        "thống kê. / Erase identifying fields of archived cases closed longer than the retention period."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="chỉ đếm, không xóa / only count")

    def handle(self, *args, **options):
        years = CaseSettings.current().retention_years
        cutoff = timezone.now() - datetime.timedelta(days=365 * years + years // 4)
        due = Case.objects.filter(status=CaseStatus.ARCHIVED, erased_at__isnull=True, closed_at__lt=cutoff)
        count = due.count()
        if options["dry_run"]:
            self.stdout.write(f"Sẽ xóa / would erase: {count}")
            return
        for case in due.iterator():
            erase_identities(case)
        self.stdout.write(self.style.SUCCESS(f"Đã xóa thông tin nhận dạng / erased: {count}"))
