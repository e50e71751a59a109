"""Reporting periods: a year, a half, a quarter, a month, or a span of years (a plan phase).
No Django import: used by models, the spreadsheet round-trip and the achievement engine alike."""

import datetime
from dataclasses import dataclass
from enum import StrEnum


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
        """Vietnamese label as officials write it: 'Năm 2023', 'Quý 2/2023', '6 tháng đầu năm 2023'."""
        y = self.start.year
        match self.kind:
            case PeriodKind.YEAR:
                return f"Năm {y}"
            case PeriodKind.HALF:
                return f"6 tháng {'đầu' if self.start.month == 1 else 'cuối'} năm {y}"
            case PeriodKind.QUARTER:
                return f"Quý {(self.start.month + 2) // 3}/{y}"
            case PeriodKind.MONTH:
                return f"Tháng {self.start.month:02d}/{y}"
            case _:
                return f"Giai đoạn {y}–{self.end.year}" if self.end.year != y else f"Năm {y}"


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
