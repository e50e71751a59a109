"""Number and symbol of official documents (Decree 30/2020/NĐ-CP, Appendix I and III).

'4525/KH-UBND' is number 4525, type KH (kế hoạch), issuer UBND. Official letters (công văn) carry no type code:
'12/UBND-VX' is issuer UBND, unit VX. Numbers below 10 are written with a leading zero: '05/KH-HLHPN'."""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

# Appendix III: abbreviations of document types.
TYPE_CODES = {
    "NQ": "Nghị quyết",
    "QĐ": "Quyết định",
    "CT": "Chỉ thị",
    "QC": "Quy chế",
    "QyĐ": "Quy định",
    "TC": "Thông cáo",
    "TB": "Thông báo",
    "HD": "Hướng dẫn",
    "CTr": "Chương trình",
    "KH": "Kế hoạch",
    "PA": "Phương án",
    "ĐA": "Đề án",
    "DA": "Dự án",
    "BC": "Báo cáo",
    "BB": "Biên bản",
    "TTr": "Tờ trình",
    "HĐ": "Hợp đồng",
    "CĐ": "Công điện",
    "BGN": "Bản ghi nhớ",
    "BTT": "Bản thỏa thuận",
    "GUQ": "Giấy ủy quyền",
    "GM": "Giấy mời",
    "GGT": "Giấy giới thiệu",
    "GNP": "Giấy nghỉ phép",
    "PG": "Phiếu gửi",
    "PC": "Phiếu chuyển",
    "PB": "Phiếu báo",
}

_PATTERN = re.compile(r"^(\d{1,6})/([A-Za-zĐđ]+)-([A-Za-zĐđ0-9]+(?:-[A-Za-zĐđ0-9]+)*)$")


@dataclass(frozen=True)
class Reference:
    number: int
    type_code: str | None  # None for official letters (công văn)
    issuer: str

    def __str__(self):
        middle = f"{self.type_code}-{self.issuer}" if self.type_code else self.issuer
        return f"{format_number(self.number)}/{middle}"


def format_number(number: int) -> str:
    return f"{number:02d}"


def parse_reference(text: str) -> Reference:
    """Read 'Số: 4525/KH-UBND' or '4525/KH-UBND'; raise ValueError with a message officials understand."""
    cleaned = re.sub(r"\s+", "", text or "").removeprefix("Số:").removeprefix("số:")
    match = _PATTERN.match(cleaned)
    if not match:
        raise ValueError(
            _("Số, ký hiệu “%(text)s” không đúng mẫu: số/loại văn bản-cơ quan ban hành, ví dụ 4525/KH-UBND")
            % {"text": text}
        )
    number, first, rest = int(match[1]), match[2], match[3]
    if number == 0:
        raise ValueError(_("Số văn bản phải lớn hơn 0"))
    if first in TYPE_CODES:
        return Reference(number, first, rest)
    return Reference(number, None, f"{first}-{rest}")
