from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from giamsat.units.importer import DATA_DIR, ImportProblem, import_units


class Command(BaseCommand):
    help = "Nạp danh mục đơn vị hành chính (trước và sau 01/7/2025) và bảng chuyển đổi. Chạy lại không thay đổi gì."

    def add_arguments(self, parser):
        parser.add_argument("--dir", type=Path, default=DATA_DIR, help="thư mục chứa ba tệp JSON")

    def handle(self, *args, **options):
        try:
            summary = import_units(options["dir"], progress=lambda m: self.stdout.write(f"  {m}"))
        except ImportProblem as exc:
            raise CommandError(f"Không nạp được, chưa có gì được ghi / nothing imported: {exc}") from exc
        for problem in summary.skipped:
            self.stdout.write(self.style.WARNING(f"  bỏ qua / skipped: {problem}"))
        for link in summary.inferred:
            self.stdout.write(f"  liên kết suy ra, không có trong bảng chính thức / inferred link: {link}")
        if summary.links_removed:
            self.stdout.write(
                f"  đã bỏ {summary.links_removed} liên kết suy ra / inferred links removed "
                "(GIAMSAT_ISLAND_DISTRICT_LINKS=0)"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Xong / done: {summary.created} mới / created, {summary.updated} cập nhật / updated, "
                f"{summary.unchanged} không đổi / unchanged; liên kết / links: {summary.links_created} mới, "
                f"{summary.links_updated} cập nhật"
            )
        )
