"""Case exports: pseudonymous by default (code, dates, commune, age group, categories, the clock); names, dates of
birth and addresses only when a user with cases.identify asks and gives a reason (logged by the view). Every cell
goes through reporting.spreadsheet's formula-injection-safe writer."""

from django.utils import timezone
from django.utils.translation import gettext as _

from giamsat.reporting.spreadsheet import export_rows

from .choices import AgeGroup, Harm
from .models import Case
from .queries import STEP_LABELS

PSEUDONYMOUS = [
    ("code", lambda: _("Mã vụ việc")),
    ("received", lambda: _("Ngày tiếp nhận")),
    ("channel", lambda: _("Kênh tiếp nhận")),
    ("province", lambda: _("Tỉnh")),
    ("district", lambda: _("Quận, huyện")),
    ("commune", lambda: _("Xã, phường")),
    ("age_group", lambda: _("Nhóm tuổi")),
    ("sex", lambda: _("Giới tính")),
    ("harms", lambda: _("Hình thức")),
    ("risk", lambda: _("Mức độ nguy cơ")),
    ("status", lambda: _("Tình trạng")),
    ("next_step", lambda: _("Bước kế tiếp")),
    ("next_due", lambda: _("Hạn")),
    ("hours", lambda: _("Số giờ đến can thiệp đầu tiên")),
    ("delay", lambda: _("Lý do chậm")),
    ("offender", lambda: _("Xử lý đối tượng")),
]
IDENTIFYING = [
    ("child_name", lambda: _("Họ tên trẻ")),
    ("birth", lambda: _("Ngày sinh")),
    ("address", lambda: _("Địa chỉ")),
    ("school", lambda: _("Trường, lớp")),
    ("guardian", lambda: _("Cha, mẹ, người chăm sóc")),
]


def _local(value):
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def _row(case: Case, identified: bool) -> list:
    commune = case.commune
    district = commune.parent if commune.parent_id and commune.parent_id != commune.province_id else None
    row = [
        case.code,
        _local(case.received_at),
        case.get_channel_display(),
        commune.province.name if commune.province_id else "",
        district.name if district else "",
        commune.name,
        str(AgeGroup(case.age_group).label),
        case.get_sex_display(),
        "; ".join(str(Harm(h.kind).label) for h in case.harms.all()),
        case.get_risk_level_display() if case.risk_level else "",
        case.get_status_display(),
        str(STEP_LABELS.get(case.next_step, "")) if case.next_step else "",
        _local(case.next_due_at),
        round(case.minutes_to_intervention / 60, 1) if case.minutes_to_intervention is not None else None,
        case.get_delay_reason_display() if case.delay_reason else "",
        case.get_offender_status_display(),
    ]
    if identified:
        row += [
            case.child_name,
            case.child_birth_date,
            ", ".join(filter(None, [case.address_detail, commune.name])),
            case.school,
            case.guardian_name,
        ]
    return row


def workbook(cases, *, identified: bool) -> bytes:
    columns = PSEUDONYMOUS + (IDENTIFYING if identified else [])
    rows = (_row(case, identified) for case in cases)
    return export_rows([label() for _key, label in columns], rows, title=_("Vụ việc"))
