from django.db import models
from django.utils.translation import gettext_lazy as _


class SupervisionStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo kế hoạch")
    PLANNED = "planned", _("Đã ban hành kế hoạch")
    ONGOING = "ongoing", _("Đang giám sát")
    REPORTED = "reported", _("Đã báo cáo kết quả")
    CLOSED = "closed", _("Đã kết thúc")


class SupervisionForm(models.TextChoices):
    SESSIONS = "sessions", _("Làm việc trực tiếp với đơn vị được giám sát")
    DOCUMENTS = "documents", _("Nghiên cứu, xem xét văn bản, báo cáo")
    FIELD_VISIT = "field_visit", _("Khảo sát thực tế tại cơ sở")


class MemberRole(models.TextChoices):
    HEAD = "head", _("Trưởng đoàn")
    DEPUTY = "deputy", _("Phó Trưởng đoàn")
    MEMBER = "member", _("Thành viên")
    SECRETARY = "secretary", _("Thư ký")


# The order a delegation is listed in (decisions, plans, pages).
MEMBER_ORDER = (MemberRole.HEAD, MemberRole.DEPUTY, MemberRole.MEMBER, MemberRole.SECRETARY)


class FindingKind(models.TextChoices):
    RESULT = "result", _("Kết quả đạt được")
    LIMITATION = "limitation", _("Hạn chế")


class AddresseeKind(models.TextChoices):
    SUPERVISED = "supervised", _("Đơn vị được giám sát")
    AUTHORITY = "authority", _("Cấp có thẩm quyền, sở, ngành")


class Priority(models.TextChoices):
    HIGH = "high", _("Cao")
    NORMAL = "normal", _("Bình thường")
    LOW = "low", _("Thấp")


class RecommendationStatus(models.TextChoices):
    OPEN = "open", _("Chưa thực hiện")
    IN_PROGRESS = "in_progress", _("Đang thực hiện")
    # In the order of progress, as lists and charts show them: partly done before done.
    PARTLY = "partly_implemented", _("Thực hiện một phần")
    IMPLEMENTED = "implemented", _("Đã thực hiện")
    NOT_ACCEPTED = "not_accepted", _("Không tiếp thu")


# An answer with one of these statuses closes the addressee's part; the supervising body then verifies it.
FINAL_STATUSES = (RecommendationStatus.IMPLEMENTED, RecommendationStatus.PARTLY, RecommendationStatus.NOT_ACCEPTED)
# What an addressee may answer (never "open": answering is already doing something).
ANSWER_STATUSES = (RecommendationStatus.IN_PROGRESS, *FINAL_STATUSES)

# Symbols so that a status is never told by colour alone.
STATUS_SYMBOLS = {
    RecommendationStatus.OPEN: "○",
    RecommendationStatus.IN_PROGRESS: "↻",
    RecommendationStatus.IMPLEMENTED: "✓",
    RecommendationStatus.PARTLY: "◐",
    RecommendationStatus.NOT_ACCEPTED: "✗",
}

# The limitations the seed names (Bình Thuận, 2023); seeded by migration 0002, administrators add more.
SEED_CATEGORIES = [
    "Công tác tuyên truyền thiếu thường xuyên, đồng bộ",
    "Phối hợp gia đình - nhà trường - xã hội chưa chặt chẽ",
    "Can thiệp, hỗ trợ chậm do gia đình chậm báo tin, chứng cứ thiếu cụ thể",
    "Mô hình hoạt động thiếu bền vững",
    "Ít diễn đàn lắng nghe tiếng nói, nguyện vọng của trẻ em",
    "Thiết chế văn hóa chưa có hoặc chưa phát huy hiệu quả",
    "Kinh phí hạn chế",
    "Kiểm tra, giám sát thiếu thường xuyên",
]
