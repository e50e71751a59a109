"""The vocabularies of a child-protection case (Law on Children 102/2016, Decree 56/2017; DOMAIN.md §2–3)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    HOTLINE = "hotline_111", _("Tổng đài 111")
    DIRECT = "direct", _("Trực tiếp")
    PHONE = "phone", _("Điện thoại (số khác 111)")
    POLICE = "police", _("Công an chuyển đến")
    SCHOOL = "school", _("Nhà trường")
    HEALTH = "health", _("Cơ sở y tế")
    COMMUNITY = "community", _("Cộng đồng, thôn, tổ dân phố")
    ONLINE = "online", _("Trực tuyến, mạng xã hội")
    OTHER = "other", _("Khác")


class CaseStatus(models.TextChoices):
    RECEIVED = "received", _("Mới tiếp nhận, chưa chuyển xã")
    ASSESSING = "assessing", _("Đang đánh giá")
    PLANNING = "planning", _("Đang lập kế hoạch")
    AWAITING_APPROVAL = "awaiting_approval", _("Chờ phê duyệt kế hoạch")
    IMPLEMENTING = "implementing", _("Đang hỗ trợ, can thiệp")
    CLOSED = "closed", _("Đã đóng")
    ARCHIVED = "archived", _("Đã lưu trữ")


OPEN_STATUSES = [
    CaseStatus.RECEIVED,
    CaseStatus.ASSESSING,
    CaseStatus.PLANNING,
    CaseStatus.AWAITING_APPROVAL,
    CaseStatus.IMPLEMENTING,
]


class ReporterRelation(models.TextChoices):
    CHILD = "child", _("Trẻ tự báo tin")
    PARENT = "parent", _("Cha, mẹ")
    RELATIVE = "relative", _("Người thân")
    NEIGHBOUR = "neighbour", _("Hàng xóm, người quen")
    TEACHER = "teacher", _("Giáo viên, nhà trường")
    HEALTH_WORKER = "health_worker", _("Nhân viên y tế")
    POLICE = "police", _("Công an")
    OFFICIAL = "official", _("Cán bộ thôn, xã")
    OTHER = "other", _("Khác")


class Sex(models.TextChoices):
    MALE = "male", _("Nam")
    FEMALE = "female", _("Nữ")
    UNKNOWN = "unknown", _("Chưa rõ")


# The 54 ethnic groups of the official list (General Statistics Office). Proper names, the same in English.
ETHNIC_GROUPS = [
    "Kinh", "Tày", "Thái", "Mường", "Khmer", "Hoa", "Nùng", "Mông", "Dao", "Gia Rai", "Ê Đê", "Ba Na", "Sán Chay",
    "Chăm", "Cơ Ho", "Xơ Đăng", "Sán Dìu", "Hrê", "Raglai", "Mnông", "Thổ", "Xtiêng", "Khơ Mú", "Bru - Vân Kiều",
    "Cơ Tu", "Giáy", "Tà Ôi", "Mạ", "Giẻ - Triêng", "Co", "Chơ Ro", "Xinh Mun", "Hà Nhì", "Chu Ru", "Lào", "La Chí",
    "Kháng", "Phù Lá", "La Hủ", "La Ha", "Pà Thẻn", "Lự", "Ngái", "Chứt", "Lô Lô", "Mảng", "Cơ Lao", "Bố Y", "Cống",
    "Si La", "Pu Péo", "Rơ Măm", "Brâu", "Ơ Đu",
]  # fmt: skip
FOREIGN = "foreign"
UNKNOWN = "unknown"


def ethnicity_choices():
    return [
        ("", "—"),
        *[(name, name) for name in ETHNIC_GROUPS],
        (FOREIGN, _("Người nước ngoài")),
        (UNKNOWN, _("Chưa rõ")),
    ]


class Disability(models.TextChoices):
    """Forms of disability of the Law on Persons with Disabilities 2010, Art. 3."""

    NONE = "none", _("Không")
    MOBILITY = "mobility", _("Khuyết tật vận động")
    HEARING_SPEECH = "hearing_speech", _("Khuyết tật nghe, nói")
    VISUAL = "visual", _("Khuyết tật nhìn")
    MENTAL = "mental", _("Khuyết tật thần kinh, tâm thần")
    INTELLECTUAL = "intellectual", _("Khuyết tật trí tuệ")
    OTHER = "other", _("Khuyết tật khác")
    UNKNOWN = "unknown", _("Chưa rõ")


class SpecialGroup(models.TextChoices):
    """Children in special circumstances, Law on Children Art. 10, groups a–o (DOMAIN.md §2)."""

    A = "a", _("a. Mồ côi cả cha và mẹ")
    B = "b", _("b. Bị bỏ rơi")
    C = "c", _("c. Không nơi nương tựa")
    D = "d", _("d. Khuyết tật")
    DD = "dd", _("đ. Nhiễm HIV/AIDS")
    E = "e", _("e. Vi phạm pháp luật")
    G = "g", _("g. Nghiện ma túy")
    H = "h", _("h. Phải bỏ học kiếm sống chưa hoàn thành phổ cập giáo dục trung học cơ sở")
    I = "i", _("i. Bị tổn hại nghiêm trọng về thể chất và tinh thần do bị bạo lực")  # noqa: E741
    K = "k", _("k. Bị bóc lột")
    L = "l", _("l. Bị xâm hại tình dục")
    M = "m", _("m. Bị mua bán")
    N = "n", _("n. Mắc bệnh hiểm nghèo hoặc phải điều trị dài ngày thuộc hộ nghèo, cận nghèo")
    O = "o", _("o. Di cư, lánh nạn chưa xác định được cha mẹ hoặc không có người chăm sóc")  # noqa: E741


class Harm(models.TextChoices):
    """What happened: the forms of abuse of Art. 4, the five sexual-abuse sub-forms of Decree 56/2017, and the
    accidents and injuries the seed also counts. A sub-form implies its parent form."""

    VIOLENCE = "violence", _("Bạo lực")
    EXPLOITATION = "exploitation", _("Bóc lột")
    SEXUAL_ABUSE = "sexual_abuse", _("Xâm hại tình dục")
    SEXUAL_RAPE = "sexual_rape", _("Xâm hại tình dục: hiếp dâm")
    SEXUAL_COERCION = "sexual_coercion", _("Xâm hại tình dục: cưỡng dâm")
    SEXUAL_INTERCOURSE = "sexual_intercourse", _("Xâm hại tình dục: giao cấu")
    SEXUAL_MOLESTATION = "sexual_molestation", _("Xâm hại tình dục: dâm ô")
    SEXUAL_EXPLOITATION = "sexual_exploitation", _("Xâm hại tình dục: sử dụng vào mục đích mại dâm, khiêu dâm")
    TRAFFICKING = "trafficking", _("Mua bán")
    ABANDONMENT = "abandonment", _("Bỏ rơi")
    NEGLECT = "neglect", _("Bỏ mặc")
    OTHER_HARM = "other_harm", _("Hình thức gây tổn hại khác")
    ACCIDENT = "accident", _("Tai nạn, thương tích")


SEXUAL_SUBFORMS = [
    Harm.SEXUAL_RAPE,
    Harm.SEXUAL_COERCION,
    Harm.SEXUAL_INTERCOURSE,
    Harm.SEXUAL_MOLESTATION,
    Harm.SEXUAL_EXPLOITATION,
]
# The forms counted on their own in statistics and plan indicators (sub-forms count under sexual abuse).
MAIN_HARMS = [h for h in Harm if h not in SEXUAL_SUBFORMS]


class Setting(models.TextChoices):
    FAMILY = "family", _("Gia đình")
    SCHOOL = "school", _("Trường học")
    COMMUNITY = "community", _("Cộng đồng")
    ONLINE = "online", _("Trên mạng")
    WORKPLACE = "workplace", _("Nơi làm việc")
    CARE_FACILITY = "care_facility", _("Cơ sở trợ giúp xã hội, nuôi dưỡng")
    OTHER = "other", _("Khác")
    UNKNOWN = "unknown", _("Chưa rõ")


class PerpetratorRelation(models.TextChoices):
    PARENT = "parent", _("Cha, mẹ đẻ")
    STEP_PARENT = "step_parent", _("Cha dượng, mẹ kế")
    RELATIVE = "relative", _("Người thân khác trong gia đình")
    CARER = "carer", _("Người chăm sóc, giám hộ")
    TEACHER = "teacher", _("Giáo viên, nhân viên nhà trường")
    ACQUAINTANCE = "acquaintance", _("Người quen, hàng xóm")
    STRANGER = "stranger", _("Người lạ")
    PEER = "peer", _("Trẻ em khác")
    ONLINE_CONTACT = "online_contact", _("Người quen qua mạng")
    NONE = "none", _("Không có (tai nạn, thương tích)")
    UNKNOWN = "unknown", _("Chưa rõ")


class RiskLevel(models.TextChoices):
    """Inter-agency case-management guidance (DOMAIN.md §3)."""

    HIGH = "high", _("Cao: có thể bị tổn hại nghiêm trọng hoặc tử vong nếu không can thiệp")
    MEDIUM = "medium", _("Trung bình: đã bị tổn hại, chưa có dấu hiệu tổn hại nghiêm trọng")
    LOW = "low", _("Thấp: có nguy cơ bị tổn hại")
    NONE = "none", _("Không có nguy cơ")


RISK_SHORT = {
    RiskLevel.HIGH: _("Cao"),
    RiskLevel.MEDIUM: _("Trung bình"),
    RiskLevel.LOW: _("Thấp"),
    RiskLevel.NONE: _("Không có"),
}


class ProtectionLevel(models.TextChoices):
    """Law on Children Arts. 47–50."""

    PREVENTION = "prevention", _("Phòng ngừa")
    SUPPORT = "support", _("Hỗ trợ")
    INTERVENTION = "intervention", _("Can thiệp")


class AssessmentKind(models.TextChoices):
    INITIAL = "initial", _("Đánh giá nguy cơ ban đầu (Mẫu 02)")
    DETAILED = "detailed", _("Đánh giá chi tiết, họp xác định nhu cầu (Mẫu 03)")
    REVIEW = "review", _("Rà soát, đánh giá lại")


class EmergencyKind(models.TextChoices):
    EMERGENCY_CARE = "emergency_care", _("Can thiệp khẩn cấp: cấp cứu, chăm sóc y tế, bảo đảm an toàn")
    SEPARATION = "separation", _("Tạm thời cách ly trẻ khỏi môi trường, người gây tổn hại")
    PLACEMENT = "placement", _("Bố trí chăm sóc thay thế khẩn cấp, nơi tạm trú an toàn")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Đang soạn")
    SUBMITTED = "submitted", _("Chờ phê duyệt")
    RETURNED = "returned", _("Bị trả lại để sửa")
    APPROVED = "approved", _("Đã phê duyệt")


class ServiceKind(models.TextChoices):
    HEALTH = "health", _("Chăm sóc y tế")
    COUNSELLING = "counselling", _("Tư vấn, trị liệu tâm lý")
    LEGAL_AID = "legal_aid", _("Tư vấn pháp luật, trợ giúp pháp lý")
    SHELTER = "shelter", _("Nơi tạm trú an toàn khẩn cấp")
    EDUCATION = "education", _("Hỗ trợ giáo dục")
    ALLOWANCE = "allowance", _("Trợ cấp xã hội, bảo hiểm y tế")
    LIFE_SKILLS = "life_skills", _("Giáo dục kỹ năng sống")
    OTHER = "other", _("Khác")


class ServiceOutcome(models.TextChoices):
    COMPLETED = "completed", _("Đã hoàn thành")
    ONGOING = "ongoing", _("Đang thực hiện")
    REFUSED = "refused", _("Trẻ, gia đình từ chối")
    NOT_DELIVERED = "not_delivered", _("Không thực hiện được")


class ConsentBasis(models.TextChoices):
    CONSENT = "consent", _("Sự đồng ý của trẻ và cha, mẹ, người giám hộ")
    VITAL_INTEREST = "vital_interest", _("Bảo vệ tính mạng, sức khỏe của trẻ (không cần sự đồng ý)")


class ChildConsent(models.TextChoices):
    YES = "yes", _("Trẻ đồng ý")
    NO = "no", _("Trẻ không đồng ý")
    UNDER_SEVEN = "under_seven", _("Trẻ dưới 7 tuổi: không cần")


class ReferralStatus(models.TextChoices):
    PENDING = "pending", _("Chờ trả lời")
    ACCEPTED = "accepted", _("Đã tiếp nhận")
    DECLINED = "declined", _("Từ chối")


class OffenderStatus(models.TextChoices):
    UNKNOWN = "unknown", _("Chưa rõ, chưa xử lý")
    NOT_APPLICABLE = "not_applicable", _("Không có đối tượng vi phạm")
    REPORTED = "reported", _("Đã báo cơ quan công an")
    INVESTIGATED = "investigated", _("Đang điều tra, xác minh")
    PROSECUTED = "prosecuted", _("Đã khởi tố")
    CONVICTED = "convicted", _("Đã xét xử, kết án")
    FINED = "fined", _("Đã xử phạt vi phạm hành chính")
    NOT_PURSUED = "not_pursued", _("Không xử lý (không đủ căn cứ)")


class ReviewOutcome(models.TextChoices):
    CONTINUE = "continue", _("Tiếp tục thực hiện kế hoạch")
    NEW_CYCLE = "new_cycle", _("Lập kế hoạch mới (chu kỳ mới)")
    CLOSE = "close", _("Đóng vụ việc")


class ClosureReason(models.TextChoices):
    RESOLVED = "resolved", _("Trẻ an toàn, ổn định, không còn nguy cơ")
    UNFOUNDED = "unfounded", _("Thông tin không có cơ sở, trẻ không có nguy cơ")
    TRANSFERRED = "transferred", _("Chuyển địa bàn khác quản lý")
    AGED_OUT = "aged_out", _("Trẻ đã đủ 16 tuổi, chuyển hình thức hỗ trợ khác")
    DUPLICATE = "duplicate", _("Trùng với vụ việc khác")
    OTHER = "other", _("Lý do khác")


class DelayReason(models.TextChoices):
    FAMILY_LATE = "family_late", _("Gia đình chậm báo tin")
    EVIDENCE = "evidence", _("Chứng cứ, thông tin thiếu cụ thể")
    UNREACHABLE = "unreachable", _("Không liên lạc được với trẻ, gia đình")
    WAITING_AGENCY = "waiting_agency", _("Chờ cơ quan khác (công an, y tế)")
    WORKLOAD = "workload", _("Cán bộ kiêm nhiệm, quá tải")
    OTHER = "other", _("Khác")


class AccessAction(models.TextChoices):
    VIEW = "view", _("Xem hồ sơ")
    PRINT = "print", _("In biểu mẫu")
    EXPORT = "export", _("Xuất dữ liệu (ẩn danh)")
    EXPORT_IDENTIFIED = "export_identified", _("Xuất dữ liệu có tên")
    API = "api", _("Đọc qua API")
    SEARCH = "search", _("Tìm theo tên")


class AgeGroup(models.TextChoices):
    """The age groups of the plans' breakdowns (plans/choices.py); children are under 16."""

    UNDER_6 = "0-5", _("Dưới 6 tuổi")
    SIX_TO_10 = "6-10", _("6–10 tuổi")
    ELEVEN_TO_15 = "11-15", _("11–15 tuổi")
    OLDER = "16+", _("Từ 16 tuổi")
    UNKNOWN = "unknown", _("Chưa rõ tuổi")


def age_group(age: int | None) -> str:
    if age is None:
        return AgeGroup.UNKNOWN
    if age < 6:
        return AgeGroup.UNDER_6
    if age <= 10:
        return AgeGroup.SIX_TO_10
    if age <= 15:
        return AgeGroup.ELEVEN_TO_15
    return AgeGroup.OLDER
