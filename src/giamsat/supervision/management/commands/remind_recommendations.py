import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from giamsat.supervision.reminders import send_reminders


class Command(BaseCommand):
    help = (
        "Nhắc hạn trả lời kiến nghị giám sát trước và sau hạn. Chạy lại không gửi trùng; --loop để chạy liên tục. / "
        "Remind addressees of recommendations before and after the deadline; idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days-before", type=int, default=5)
        parser.add_argument("--loop", action="store_true", help="chạy mãi, mỗi --interval giây một lần")
        parser.add_argument("--interval", type=int, default=3600)

    def handle(self, *args, **options):
        while True:
            sent = send_reminders(timezone.localdate(), options["days_before"])
            self.stdout.write(f"Đã gửi / sent: {sent['before']} trước hạn / before, {sent['after']} quá hạn / overdue")
            if not options["loop"]:
                return
            time.sleep(options["interval"])
