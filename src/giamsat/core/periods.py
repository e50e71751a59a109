"""Reporting periods: a year, a half, a quarter, a month, or a span of years (a plan phase).
Used by models, the spreadsheet round-trip and the achievement engine alike; Django only for the labels'
language."""

import datetime
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from .formatting import dmy


class PeriodKind(StrEnum):
    YEAR = "year"
    HALF = "half"
    QUARTER = "quarter"
    MONTH = "month"
    SPAN = "span"


@dataclass(frozen=True, order=True)
class Period:
    start: datetime.date
    end: datetime.date
    kind: PeriodKind

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError("Kỳ không hợp lệ: ngày kết thúc trước ngày bắt đầu")

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(datetime.date(year, 1, 1), datetime.date(year, 12, 31), PeriodKind.YEAR)

    @classmethod
    def half(cls, year: int, half: int) -> "Period":
        if half not in (1, 2):
            raise ValueError("Nửa năm phải là 1 hoặc 2")
        return cls(datetime.date(year, 1 + 6 * (half - 1), 1), _month_end(year, 6 * half), PeriodKind.HALF)

    @classmethod
    def quarter(cls, year: int, quarter: int) -> "Period":
        if quarter not in (1, 2, 3, 4):
            raise ValueError("Quý phải từ 1 đến 4")
        return cls(datetime.date(year, 3 * quarter - 2, 1), _month_end(year, 3 * quarter), PeriodKind.QUARTER)

    @classmethod
    def month(cls, year: int, month: int) -> "Period":
        return cls(datetime.date(year, month, 1), _month_end(year, month), PeriodKind.MONTH)

    @classmethod
    def span(cls, first_year: int, last_year: int) -> "Period":
        return cls(datetime.date(first_year, 1, 1), datetime.date(last_year, 12, 31), PeriodKind.SPAN)

    def contains(self, other: "Period") -> bool:
        return self.start <= other.start and other.end <= self.end

    @property
    def label(self) -> str:
        """The label as officials write it, in the user's language: 'Năm 2023', 'Quý 2/2023', '6 tháng đầu năm
        2023', 'Giai đoạn 2021–2025' (in English 'Year 2023', 'Q2 2023'…)."""
        y = self.start.year
        match self.kind:
            case PeriodKind.YEAR:
                return _("Năm %(year)s") % {"year": y}
            case PeriodKind.HALF:
                first = self.start.month == 1
                return (_("6 tháng đầu năm %(year)s") if first else _("6 tháng cuối năm %(year)s")) % {"year": y}
            case PeriodKind.QUARTER:
                return _("Quý %(quarter)s/%(year)s") % {"quarter": (self.start.month + 2) // 3, "year": y}
            case PeriodKind.MONTH:
                return _("Tháng %(month)s/%(year)s") % {"month": f"{self.start.month:02d}", "year": y}
            case _:
                if (self.start.month, self.start.day, self.end.month, self.end.day) != (1, 1, 12, 31):
                    # An ad-hoc span ("báo cáo đột xuất" of June) is not the year's report.
                    return _("Từ %(start)s đến %(end)s") % {"start": dmy(self.start), "end": dmy(self.end)}
                if self.end.year == y:
                    return _("Năm %(year)s") % {"year": y}
                return _("Giai đoạn %(first)s–%(last)s") % {"first": y, "last": self.end.year}

    @property
    def official_label(self) -> str:
        """The Vietnamese label whatever the user's language: for official documents and the audit log."""
        with translation.override(settings.LANGUAGE_CODE):
            return self.label


def _month_end(year: int, month: int) -> datetime.date:
    if month == 12:
        return datetime.date(year, 12, 31)
    return datetime.date(year, month + 1, 1) - datetime.timedelta(days=1)


def periods_between(kind: PeriodKind, first_year: int, last_year: int) -> list[Period]:
    """Every period of a kind from 1 January of first_year to 31 December of last_year."""
    make = {
        PeriodKind.YEAR: lambda y: [Period.year(y)],
        PeriodKind.HALF: lambda y: [Period.half(y, h) for h in (1, 2)],
        PeriodKind.QUARTER: lambda y: [Period.quarter(y, q) for q in (1, 2, 3, 4)],
        PeriodKind.MONTH: lambda y: [Period.month(y, m) for m in range(1, 13)],
    }[kind]
    return [p for year in range(first_year, last_year + 1) for p in make(year)]
