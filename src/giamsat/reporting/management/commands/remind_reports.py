import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from giamsat.reporting.reminders import send_reminders


class Command(BaseCommand):
    help = "Nhắc hạn báo cáo trước và sau hạn nộp. Chạy lại không gửi trùng; --loop để chạy liên tục."

    def add_arguments(self, parser):
        parser.add_argument("--days-before", type=int, default=3)
        parser.add_argument("--loop", action="store_true", help="chạy mãi, mỗi --interval giây một lần")
        parser.add_argument("--interval", type=int, default=3600)

    def handle(self, *args, **options):
        while True:
            sent = send_reminders(timezone.localdate(), options["days_before"])
            self.stdout.write(f"Đã gửi / sent: {sent['before']} trước hạn / before, {sent['after']} quá hạn / overdue")
            if not options["loop"]:
                return
            time.sleep(options["interval"])
