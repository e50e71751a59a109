import time

from django.core.management.base import BaseCommand

from giamsat.cases.reminders import send_reminders


class Command(BaseCommand):
    help = (
        "Nhắc thời hạn vụ việc trẻ em (trước và sau hạn) cho cán bộ bảo vệ trẻ em và Chủ tịch UBND xã. Chạy lại không "
        "gửi trùng; --loop để chạy liên tục. / Case deadline reminders; idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="chạy mãi, mỗi --interval giây một lần")
        parser.add_argument("--interval", type=int, default=900)
        parser.add_argument(
            "--refresh",
            action="store_true",
            help="tính lại thời hạn mọi vụ việc đang mở ngay cả khi thiết lập và lịch nghỉ không đổi",
        )

    def handle(self, *args, **options):
        while True:
            sent = send_reminders(refresh=options["refresh"])
            options["refresh"] = False  # once: later turns recompute only after a change
            self.stdout.write(f"Đã gửi / sent: {sent['before']} trước hạn / before, {sent['after']} quá hạn / overdue")
            if not options["loop"]:
                return
            time.sleep(options["interval"])
