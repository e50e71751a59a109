from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    IN_FORCE = "in_force", _("Đang hiệu lực")
    ENDED = "ended", _("Hết hiệu lực")
    REPLACED = "replaced", _("Đã được thay thế")


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Chưa thực hiện")
    IN_PROGRESS = "in_progress", _("Đang thực hiện")
    DONE = "done", _("Hoàn thành")
    STOPPED = "stopped", _("Dừng thực hiện")


class IndicatorKind(models.TextChoices):
    COUNT = "count", _("Số lượng")
    AMOUNT = "amount", _("Giá trị (tiền)")
    RATIO = "ratio", _("Tỷ lệ (tử số / mẫu số)")
    MILESTONE = "milestone", _("Mốc (có / không)")


class Direction(models.TextChoices):
    INCREASE = "increase", _("Tăng")
    DECREASE = "decrease", _("Giảm")
    MAINTAIN = "maintain", _("Duy trì")


class TimeAggregation(models.TextChoices):
    SUM = "sum", _("Cộng các kỳ")
    LATEST = "latest", _("Kỳ gần nhất")
    AVERAGE = "average", _("Trung bình các kỳ")


class UnitAggregation(models.TextChoices):
    SUM = "sum", _("Cộng các đơn vị")
    RATIO = "ratio", _("Tính lại từ tử số, mẫu số")
    AVERAGE = "average", _("Trung bình các đơn vị")


class Disaggregation(models.TextChoices):
    SEX = "sex", _("Giới tính")
    AGE_GROUP = "age_group", _("Nhóm tuổi")
    ETHNICITY = "ethnicity", _("Dân tộc")


class PeriodKind(models.TextChoices):
    YEAR = "year", _("Năm")
    HALF = "half", _("6 tháng")
    QUARTER = "quarter", _("Quý")
    MONTH = "month", _("Tháng")
    SPAN = "span", _("Giai đoạn")


# Units of measure officials use; the field is free text, these are offered as suggestions.
MEASURE_SUGGESTIONS = ["%", "người", "trẻ em", "lượt", "buổi", "mô hình", "hộ", "xã", "VND", "triệu đồng"]


# The categories of each breakdown, as "key=value" in IndicatorValue.breakdown. Children are under 16.
BREAKDOWN_CATEGORIES = {
    Disaggregation.SEX: [("nam", _("Nam")), ("nu", _("Nữ"))],
    Disaggregation.AGE_GROUP: [("0-5", _("Dưới 6 tuổi")), ("6-10", _("6–10 tuổi")), ("11-15", _("11–15 tuổi"))],
    Disaggregation.ETHNICITY: [("kinh", _("Kinh")), ("dtts", _("Dân tộc thiểu số"))],
}


def breakdown_keys(disaggregations: list[str]) -> list[tuple[str, str]]:
    """("sex=nu", "Nữ")… for each category of each breakdown the indicator has."""
    return [
        (f"{dimension}={key}", label)
        for dimension in disaggregations
        for key, label in BREAKDOWN_CATEGORIES.get(dimension, [])
    ]
