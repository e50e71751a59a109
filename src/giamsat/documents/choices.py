from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    """The documents of a supervision, with their type code (Decree 30/2020, Appendix III)."""

    PLAN = "KH", _("Kế hoạch giám sát")
    DECISION = "QĐ", _("Quyết định thành lập Đoàn giám sát")
    MINUTES = "BB", _("Biên bản buổi làm việc")
    REPORT = "BC", _("Báo cáo kết quả giám sát")
    NOTICE = "TB", _("Thông báo kiến nghị sau giám sát")


# The type name printed under the header, in capitals (Decree 30: 13–14 pt bold).
TYPE_NAMES = {
    DocumentKind.PLAN: "KẾ HOẠCH",
    DocumentKind.DECISION: "QUYẾT ĐỊNH",
    DocumentKind.MINUTES: "BIÊN BẢN",
    DocumentKind.REPORT: "BÁO CÁO",
    DocumentKind.NOTICE: "THÔNG BÁO",
}


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    ISSUED = "issued", _("Đã ban hành")
