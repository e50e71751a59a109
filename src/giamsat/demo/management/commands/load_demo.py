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
