from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Frequency(models.TextChoices):
    QUARTERLY = "quarter", _("Hằng quý")
    HALF_YEARLY = "half", _("6 tháng")
    YEARLY = "year", _("Hằng năm")
    AD_HOC = "ad_hoc", _("Đột xuất")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Đang soạn")
    SUBMITTED = "submitted", _("Đã gửi")
    # The same words as the button that returns a report, but a state: "Returned for correction" in English.
    RETURNED = "returned", pgettext_lazy("tình trạng báo cáo", "Trả lại để sửa")
    ACCEPTED = "accepted", _("Đã duyệt")
    SUPERSEDED = "superseded", _("Đã có bản đính chính")


class ActivityKind(models.TextChoices):
    COMMUNICATION = "communication", _("Truyền thông")
    FORUM = "forum", _("Diễn đàn trẻ em")
    MODEL = "model", _("Mô hình")
    GIFT = "gift", _("Thăm hỏi, tặng quà, hỗ trợ")
    LEGAL_AID = "legal_aid", _("Tư vấn, trợ giúp pháp lý")


class ModelType(models.TextChoices):
    """The models (mô hình) the seed names; others under OTHER."""

    FRIENDLY_SCHOOL = "friendly_school", _("Trường học thân thiện, học sinh tích cực")
    SAFE_SCHOOL = "safe_school", _("Trường học an toàn")
    SAFE_HOME = "safe_home", _("Ngôi nhà an toàn")
    SAFE_COMMUNITY = "safe_community", _("Cộng đồng an toàn")
    WOMEN_GROUP = "women_group", _("Tổ Phụ nữ tuyên truyền phòng chống xâm hại trẻ em")
    SEXUAL_ABUSE_PREVENTION = "sexual_abuse_prevention", _("Phòng ngừa trẻ em bị xâm hại tình dục")
    YOUTH_SHOCK_TEAM = "youth_shock_team", _("Thanh niên xung kích phòng chống xâm hại trẻ em")
    OTHER = "other", _("Mô hình khác")


class FundingSource(models.TextChoices):
    CENTRAL = "central", _("Ngân sách trung ương")
    LOCAL = "local", _("Ngân sách địa phương")
    SOCIALISED = "socialised", _("Xã hội hóa")
    OTHER = "other", _("Nguồn khác")
