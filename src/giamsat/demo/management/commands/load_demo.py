from django.conf import settings
from django.core.management.base import BaseCommand

from giamsat.demo.loader import demo_password, load_demo


class Command(BaseCommand):
    help = "Nạp dữ liệu minh họa (Bình Thuận 2020–2023, Lâm Đồng sau 01/7/2025). Chạy lại không nhân đôi dữ liệu."

    def handle(self, *args, **options):
        users = load_demo(progress=lambda m: self.stdout.write(f"  {m}"))
        self.stdout.write(self.style.SUCCESS("Tài khoản minh họa / demo logins:"))
        width = max(len(user.username) for _spec, user, _new in users)
        for _spec, user, _new in users:
            self.stdout.write(f"  {user.username:<{width}}  {user.get_role_display()} — {user.jurisdiction_label}")
        self.stdout.write(f"  Mật khẩu chung / password for all: {demo_password()}")
        if not settings.GIAMSAT_TWO_FACTOR_REQUIRED:
            self.stdout.write(
                "  Xác thực hai bước: không bắt buộc trong bản minh họa (bật tại Tài khoản); "
                "bắt buộc khi chạy chính thức. / Two-step login: optional in the demo, required in production."
            )
