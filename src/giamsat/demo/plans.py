"""The seed's plans: Bình Thuận's plan on preventing violence and abuse against children (2021–2025, its real
number is not in the seed, so the demo plan is marked illustrative) with the districts' yearly reports
2021–2023, and Plan 4525/KH-UBND of 20/11/2020 on supporting people with disabilities 2021–2030.

Reported values are generated from each district's size and a steady "performance" drawn from a seeded
random generator; whether a district met a target is then computed by the achievement engine, never typed."""

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from giamsat.accounts.models import User
from giamsat.accounts.roles import Role
from giamsat.core.models import AuditEntry
from giamsat.plans.choices import Direction, IndicatorKind, PlanStatus, TimeAggregation, UnitAggregation
from giamsat.plans.models import Indicator, Phase, Plan, Programme, Target, Task
from giamsat.reporting import services
from giamsat.reporting.choices import ActivityKind, Frequency, FundingSource, ModelType
from giamsat.reporting.models import Report, ReportRequest, Schedule
from giamsat.units.models import Organisation, Unit

CHILD_PLAN_REFERENCE = "1318/KH-UBND"
DISABILITY_PLAN_REFERENCE = "4525/KH-UBND"
YEARS = (2021, 2022, 2023)

# Children of school age per district: illustrative sizes that scale the districts' targets.
CHILDREN = {
    593: 45000,
    594: 22000,
    595: 30000,
    596: 24000,
    597: 32000,
    598: 20000,
    599: 19000,
    600: 24000,
    601: 15000,
    602: 6000,
}

# From the seed's report (Hội LHPN tỉnh Bình Thuận supervision, 2023).
RESULTS = (
    "Tuyên truyền nâng cao nhận thức, trách nhiệm của gia đình, cộng đồng trong việc chăm sóc, giáo dục, quản lý "
    "trẻ em; kịp thời can thiệp, hỗ trợ trẻ em là nạn nhân của bạo lực, xâm hại tình dục; lan tỏa Tổng đài điện "
    "thoại quốc gia bảo vệ trẻ em 111. Cấp thẻ bảo hiểm y tế, hưởng chính sách bảo trợ xã hội; tổ chức truyền "
    "thông, diễn đàn, thăm hỏi, tặng quà nhân dịp Lễ, Tết; tư vấn pháp luật và trợ giúp pháp lý; hưởng ứng khẩu "
    "hiệu \u201cChung tay bảo vệ trẻ em; hãy lên tiếng phòng, chống xâm hại, bạo lực trẻ em\u201d."
)
LIMITATIONS = (
    "Công tác tuyên truyền thiếu thường xuyên và đồng bộ. Trách nhiệm của gia đình phối hợp với nhà trường và xã "
    "hội trong việc nắm bắt tâm tư, tình cảm, nhu cầu trẻ em thiếu chặt chẽ. Việc tiếp cận can thiệp, hỗ trợ các "
    "trường hợp bạo lực, xâm hại đối với trẻ từng lúc còn chậm do gia đình chậm báo tin và cung cấp chứng cứ thiếu "
    "cụ thể. Các mô hình hoạt động thiếu bền vững. Các diễn đàn để lắng nghe tiếng nói, nguyện vọng của trẻ em "
    "chưa nhiều. Chưa xây dựng các thiết chế văn hóa hoặc đã có nhưng chưa phát huy hiệu quả. Kinh phí hỗ trợ cho "
    "công tác trẻ em còn hạn chế; công tác kiểm tra, giám sát thiếu thường xuyên."
)
CAUSES = "Gia đình chậm báo tin, chứng cứ thiếu cụ thể; kinh phí hạn chế; cán bộ kiêm nhiệm nhiều việc."
PROPOSALS = "Đề nghị tỉnh bố trí kinh phí cho công tác trẻ em, tập huấn cán bộ cơ sở, hướng dẫn duy trì các mô hình."


@dataclass(frozen=True)
class Spec:
    code: str
    name: str
    measure: str
    kind: str
    direction: str = Direction.INCREASE
    time: str = TimeAggregation.SUM
    units: str = UnitAggregation.SUM
    numerator: str = ""
    denominator: str = ""
    national_code: str = ""
    disaggregations: tuple = ()


RATIO = dict(kind=IndicatorKind.RATIO, units=UnitAggregation.RATIO, time=TimeAggregation.LATEST)
CHILD_INDICATORS = [
    Spec(
        "CT01",
        "Tỷ lệ trẻ em trong độ tuổi đi học được đến trường",
        "%",
        **RATIO,
        numerator="Trẻ em đi học",
        denominator="Trẻ em trong độ tuổi đi học",
    ),
    Spec(
        "CT02",
        "Tỷ lệ trẻ em dưới 6 tuổi được cấp thẻ bảo hiểm y tế",
        "%",
        **RATIO,
        numerator="Trẻ em có thẻ",
        denominator="Trẻ em dưới 6 tuổi",
    ),
    Spec(
        "CT03",
        "Tỷ lệ gia đình có trẻ em được cung cấp kiến thức, kỹ năng bảo vệ trẻ em",
        "%",
        **RATIO,
        numerator="Gia đình được cung cấp",
        denominator="Gia đình có trẻ em",
    ),
    Spec("CT04", "Số cuộc truyền thông, sự kiện về phòng, chống bạo lực, xâm hại trẻ em", "cuộc", IndicatorKind.COUNT),
    Spec("CT05", "Số diễn đàn để trẻ em nói lên tiếng nói, nguyện vọng", "diễn đàn", IndicatorKind.COUNT),
    Spec("CT06", "Số mô hình phòng, chống xâm hại trẻ em được thành lập", "mô hình", IndicatorKind.COUNT),
    Spec("CT07", "Số mô hình còn duy trì hoạt động", "mô hình", IndicatorKind.COUNT, time=TimeAggregation.LATEST),
    Spec(
        "CT08",
        "Tỷ lệ trẻ em bị bạo lực, xâm hại được phát hiện và can thiệp, hỗ trợ",
        "%",
        **RATIO,
        numerator="Trẻ em được can thiệp, hỗ trợ",
        denominator="Trẻ em bị bạo lực, xâm hại được phát hiện",
    ),
    Spec(
        "CT09",
        "Số trẻ em bị bạo lực, xâm hại",
        "trẻ em",
        IndicatorKind.COUNT,
        direction=Direction.DECREASE,
        national_code="0101",
        disaggregations=("sex",),
    ),
    Spec("CT10", "Giá trị quà tặng, hỗ trợ trẻ em nhân dịp Lễ, Tết", "VND", IndicatorKind.AMOUNT),
    Spec(
        "CT11",
        "Tỷ lệ cán bộ làm công tác trẻ em cấp xã được tập huấn",
        "%",
        **RATIO,
        numerator="Cán bộ được tập huấn",
        denominator="Cán bộ làm công tác trẻ em",
    ),
    Spec(
        "CT12",
        "Tỷ lệ xã, thị trấn có điểm vui chơi cho trẻ em",
        "%",
        **RATIO,
        numerator="Xã có điểm vui chơi",
        denominator="Số xã, thị trấn",
    ),
]
DISABILITY_INDICATORS = [
    Spec(
        "KT01",
        "Tỷ lệ người khuyết tật được tiếp cận dịch vụ y tế",
        "%",
        **RATIO,
        numerator="Người khuyết tật được tiếp cận",
        denominator="Người khuyết tật",
    ),
    Spec(
        "KT02",
        "Tỷ lệ người khuyết tật nặng được hưởng trợ cấp xã hội hằng tháng",
        "%",
        **RATIO,
        numerator="Người hưởng trợ cấp",
        denominator="Người khuyết tật nặng",
    ),
    Spec("KT03", "Số người khuyết tật được hỗ trợ học nghề, tạo việc làm", "người", IndicatorKind.COUNT),
    Spec(
        "KT04",
        "Tỷ lệ trẻ em khuyết tật được tiếp cận giáo dục",
        "%",
        **RATIO,
        numerator="Trẻ em khuyết tật đi học",
        denominator="Trẻ em khuyết tật trong độ tuổi",
    ),
    Spec("KT05", "Số lượt người khuyết tật được trợ giúp pháp lý", "lượt", IndicatorKind.COUNT),
    Spec(
        "KT06",
        "Tỷ lệ trụ sở cơ quan nhà nước bảo đảm điều kiện tiếp cận",
        "%",
        **RATIO,
        numerator="Trụ sở bảo đảm",
        denominator="Trụ sở cơ quan nhà nước",
    ),
    Spec("KT07", "Số cán bộ được tập huấn về trợ giúp người khuyết tật", "người", IndicatorKind.COUNT),
    Spec("KT08", "Kinh phí trợ giúp người khuyết tật", "VND", IndicatorKind.AMOUNT),
]


def _indicators(plan: Plan, specs: list[Spec]) -> dict[str, Indicator]:
    made = {}
    for order, spec in enumerate(specs, start=1):
        made[spec.code] = Indicator.objects.create(
            plan=plan,
            order=order,
            code=spec.code,
            name=spec.name,
            measure=spec.measure,
            kind=spec.kind,
            direction=spec.direction,
            time_aggregation=spec.time,
            unit_aggregation=spec.units,
            numerator_label=spec.numerator,
            denominator_label=spec.denominator,
            national_code=spec.national_code,
            disaggregations=list(spec.disaggregations),
        )
    return made


def _district_users(districts: list[Unit]) -> dict[int, User]:
    """One reporting officer per district. The demo's login "huyen" is Đức Linh's; the others report too."""
    users = {}
    for district in districts:
        user = User.objects.filter(role=Role.DISTRICT_OFFICER, unit=district).order_by("pk").first()
        if user is None:
            user = User.objects.create(
                username=f"huyen{district.code}",
                full_name=f"Cán bộ Demo {district.name}",
                role=Role.DISTRICT_OFFICER,
                unit=district,
                is_active=True,
            )
            user.set_unusable_password()
            user.save(update_fields=["password"])
        users[district.code] = user
    return users


class ChildPlanData:
    """Targets and actual values of the child-protection plan for one district and year."""

    def __init__(self, district: Unit, communes: int):
        self.size = CHILDREN[district.code]
        self.communes = communes
        rng = random.Random(district.code)
        # A district's steady performance, and its year-to-year wobble.
        self.performance = rng.uniform(0.96, 1.02)
        self.rng = rng

    def targets(self, year: int) -> dict[str, Decimal]:
        step = year - 2021
        return {
            "CT01": Decimal(100),
            "CT02": Decimal(100),
            "CT03": Decimal(100),
            "CT04": Decimal(max(6, self.size // 1500)),
            "CT05": Decimal(2),
            "CT06": Decimal(2),
            "CT07": Decimal(2 + 2 * step),
            "CT08": Decimal(100),
            "CT09": Decimal(max(1, 3 - step)),
            "CT10": Decimal(self.size * 3000 // 1_000_000 * 1_000_000),
            "CT11": Decimal(100),
            "CT12": Decimal(30 + 3 * step),
        }

    def _factor(self) -> float:
        return self.performance * self.rng.uniform(0.96, 1.04)

    def _ratio(self, denominator: int, percent: Decimal) -> tuple[Decimal, Decimal]:
        share = min(1.0, float(percent) / 100 * self._factor())
        return Decimal(round(denominator * share)), Decimal(denominator)

    def actuals(self, year: int) -> dict[str, object]:
        t = self.targets(year)
        detected = self.rng.choice([0, 1, 1, 2, 2, 3])
        helped = detected if self.rng.random() < self.performance - 0.1 else max(0, detected - 1)
        girls = self.rng.randint(0, detected)
        return {
            "CT01": self._ratio(self.size, Decimal(100)),
            "CT02": self._ratio(self.size // 3, Decimal(100)),
            "CT03": self._ratio(self.size // 2, Decimal(100)),
            "CT04": Decimal(round(float(t["CT04"]) * self._factor())),
            "CT05": Decimal(self.rng.choice([1, 2, 2, 3]) if self.performance > 0.95 else self.rng.choice([1, 1, 2])),
            "CT06": Decimal(round(2 * self._factor())),
            "CT07": Decimal(round(float(t["CT07"]) * self._factor() * 0.9)),
            "CT08": (Decimal(helped), Decimal(detected)),
            "CT09": Decimal(detected),
            "CT09/sex=nu": Decimal(girls),
            "CT09/sex=nam": Decimal(detected - girls),
            "CT10": Decimal(round(float(t["CT10"]) * self._factor(), -5)),
            "CT11": self._ratio(self.communes * 2, Decimal(100)),
            "CT12": self._ratio(self.communes, t["CT12"]),
        }


def _values(indicators: dict[str, Indicator], actuals: dict[str, object]) -> list[services.ValueInput]:
    values = []
    for key, actual in actuals.items():
        code, _, breakdown = key.partition("/")
        if isinstance(actual, tuple):
            values.append(services.ValueInput(indicators[code], breakdown, None, *actual, source="Báo cáo xã"))
        else:
            values.append(services.ValueInput(indicators[code], breakdown, actual, source="Báo cáo xã"))
    return values


def _backdate(report: Report, when: datetime.datetime, reviewed: datetime.datetime | None) -> None:
    """Put a report's history at the dates it happened (services stamp 'now')."""
    Report.objects.filter(pk=report.pk).update(
        submitted_at=when if report.submitted_at else None,
        reviewed_at=reviewed if report.reviewed_at else None,
        created_at=when - datetime.timedelta(days=7),
        updated_at=when,
    )
    entries = AuditEntry.objects.filter(object_id=str(report.pk), content_type__model="report").order_by("pk")
    for step, entry in enumerate(entries):
        moment = when - datetime.timedelta(days=7) if entry.action in ("report.start", "report.save") else when
        if entry.action in ("report.return", "report.accept"):
            moment = reviewed or when
        AuditEntry.objects.filter(pk=entry.pk).update(at=moment + datetime.timedelta(minutes=step))


def _activities(district: Unit, year: int, data: ChildPlanData, gifts: Decimal) -> list[dict]:
    models = list(ModelType)[:-1]
    model = models[(district.code + year) % len(models)]
    return [
        {
            "kind": ActivityKind.COMMUNICATION,
            "name": "Truyền thông phòng, chống xâm hại trẻ em tại trường học",
            "held_on": datetime.date(year, 5, 20),
            "participants": 150 + data.size // 300,
        },
        {
            "kind": ActivityKind.FORUM,
            "name": "Diễn đàn trẻ em cấp huyện",
            "held_on": datetime.date(year, 6, 1),
            "participants": 80,
        },
        {"kind": ActivityKind.MODEL, "name": model.label, "model_type": model, "still_active": data.performance > 0.9},
        {
            "kind": ActivityKind.GIFT,
            "name": "Thăm hỏi, tặng quà trẻ em nhân dịp Tết Trung thu, Tết Nguyên đán",
            "beneficiaries": int(gifts // 500_000),
            "value_vnd": gifts,
        },
        {
            "kind": ActivityKind.LEGAL_AID,
            "name": "Tư vấn pháp luật, trợ giúp pháp lý cho gia đình có trẻ em",
            "held_on": datetime.date(year, 9, 15),
            "participants": 40,
        },
    ]


def _report_year(req: ReportRequest, user: User, reviewer: User, indicators, data: ChildPlanData, fate: str) -> None:
    year = req.period_start.year
    actuals = data.actuals(year)
    report = services.get_or_start_draft(req, acting_user=user)
    narrative = {"results": RESULTS, "limitations": LIMITATIONS, "causes": CAUSES, "proposals": PROPOSALS}
    budget = [
        {"source": FundingSource.LOCAL, "allocated": Decimal(150_000_000), "spent": Decimal(120_000_000)},
        {"source": FundingSource.SOCIALISED, "allocated": Decimal(0), "spent": actuals["CT10"]},
    ]
    services.do_save_draft(
        report,
        acting_user=user,
        revision=report.revision,
        narrative=narrative,
        values=_values(indicators, actuals),
        activities=_activities(req.unit, year, data, actuals["CT10"]),
        budget=budget,
    )
    if fate == "draft":
        return
    services.do_submit(report, acting_user=user)
    if fate in ("returned", "returned_open"):
        services.do_return(
            report,
            acting_user=reviewer,
            comment="Đề nghị bổ sung nguồn số liệu CT08 và làm rõ nguyên nhân chỉ tiêu chưa đạt.",
        )
        if fate == "returned_open":
            report.refresh_from_db()
            moment = timezone.make_aware(datetime.datetime(year + 1, 1, 10, 9, 0))
            _backdate(report, moment, moment + datetime.timedelta(days=10))
            return
        report.refresh_from_db()
        services.do_save_draft(
            report,
            acting_user=user,
            revision=report.revision,
            narrative={**narrative, "causes": CAUSES + " Số liệu CT08 lấy từ sổ theo dõi của Phòng LĐTBXH."},
            values=_values(indicators, actuals),
        )
        services.do_submit(report, acting_user=user)
    if fate != "submitted":
        services.do_accept(report, acting_user=reviewer)
    report.refresh_from_db()
    submitted = timezone.make_aware(datetime.datetime(year + 1, 1, 10, 9, 0))
    _backdate(report, submitted, submitted + datetime.timedelta(days=12) if fate != "submitted" else None)


def _child_plan(province: Unit, reviewer: User) -> Plan:
    ubnd = Organisation.objects.get(unit=province, name="Ủy ban nhân dân tỉnh Bình Thuận")
    programme = Programme.objects.get(name="Bảo vệ trẻ em")
    plan = Plan.objects.create(
        reference=CHILD_PLAN_REFERENCE,
        issuer=ubnd,
        issued_on=datetime.date(2021, 3, 15),
        title="Kế hoạch phòng, chống bạo lực, xâm hại trẻ em trên địa bàn tỉnh Bình Thuận giai đoạn 2021 - 2025",
        programme=programme,
        first_year=2021,
        last_year=2025,
        status=PlanStatus.ENDED,
        illustrative=True,
        legal_basis="Luật Trẻ em năm 2016; Nghị định số 56/2017/NĐ-CP; Quyết định số 1863/QĐ-TTg ngày 23/12/2019 "
        "của Thủ tướng Chính phủ phê duyệt Kế hoạch hành động quốc gia phòng, chống bạo lực, xâm hại "
        "trẻ em giai đoạn 2020 - 2025.",
    )
    Phase.objects.create(plan=plan, name="Giai đoạn 2021 - 2025", first_year=2021, last_year=2025)
    indicators = _indicators(plan, CHILD_INDICATORS)
    districts = list(Unit.objects.filter(parent=province).order_by("code"))
    department = Organisation.objects.get(unit=province, abbreviation="SLĐTBXH")
    for order, text in enumerate(
        [
            "Tuyên truyền nâng cao nhận thức, trách nhiệm của gia đình, cộng đồng trong chăm sóc, giáo dục, "
            "bảo vệ trẻ em.",
            "Duy trì, nhân rộng các mô hình phòng, chống xâm hại trẻ em; tổ chức diễn đàn trẻ em hằng năm.",
            "Kịp thời phát hiện, can thiệp, hỗ trợ trẻ em bị bạo lực, xâm hại; lan tỏa Tổng đài 111.",
            "Kiểm tra, giám sát việc thực hiện kế hoạch tại các huyện, thị xã, thành phố.",
        ],
        start=1,
    ):
        Task.objects.create(
            plan=plan,
            order=order,
            text=text,
            lead=department,
            deadline=datetime.date(2025, 12, 31),
            status="in_progress",
        )
    data = {}
    for district in districts:
        data[district.code] = ChildPlanData(district, Unit.objects.filter(parent=district).count())
        for year in (*YEARS, 2024, 2025):
            for code, value in data[district.code].targets(year).items():
                Target.objects.create(
                    indicator=indicators[code],
                    unit=district,
                    period_kind="year",
                    period_start=datetime.date(year, 1, 1),
                    period_end=datetime.date(year, 12, 31),
                    value=value,
                    baseline_value=Decimal(3) if code == "CT09" else None,
                )
    # The province's own targets: the districts' summed for counts and amounts, the same rate for ratios.
    for year in (*YEARS, 2024, 2025):
        for indicator in indicators.values():
            rows = list(Target.objects.filter(indicator=indicator, unit__in=districts, period_start__year=year))
            bases = [t.baseline_value for t in rows if t.baseline_value is not None]
            ratio = indicator.kind == IndicatorKind.RATIO
            Target.objects.create(
                indicator=indicator,
                unit=province,
                period_kind="year",
                period_start=datetime.date(year, 1, 1),
                period_end=datetime.date(year, 12, 31),
                value=rows[0].value if ratio else sum(t.value for t in rows),
                baseline_value=sum(bases) if bases else None,
            )
    schedule = Schedule.objects.create(
        plan=plan,
        title="Báo cáo năm của các huyện",
        frequency=Frequency.YEARLY,
        first_year=YEARS[0],
        last_year=YEARS[-1],
        due_days=15,
    )
    schedule.units.set(districts)
    services.do_generate_requests(schedule, acting_user=reviewer)
    users = _district_users(districts)
    # A few reports were returned once and resubmitted; Đức Linh's 2023 report was returned and waits for the
    # district to correct it; Tánh Linh's waits for review; Phú Quí's was never sent (overdue).
    fates = {
        (595, 2022): "returned",
        (600, 2022): "returned",
        (598, 2023): "returned",
        (599, 2023): "submitted",
        (600, 2023): "returned_open",
        (602, 2023): None,
    }
    for req in (
        ReportRequest.objects.filter(schedule=schedule).select_related("unit").order_by("period_end", "unit__code")
    ):
        fate = fates.get((req.unit.code, req.period_start.year), "accepted")
        if fate is not None:
            _report_year(req, users[req.unit.code], reviewer, indicators, data[req.unit.code], fate)
    return plan


def _disability_plan(province: Unit, reviewer: User) -> Plan:
    ubnd = Organisation.objects.get(unit=province, name="Ủy ban nhân dân tỉnh Bình Thuận")
    department = Organisation.objects.get(unit=province, abbreviation="SLĐTBXH")
    plan = Plan.objects.create(
        reference=DISABILITY_PLAN_REFERENCE,
        issuer=ubnd,
        issued_on=datetime.date(2020, 11, 20),
        title="Kế hoạch thực hiện Chương trình trợ giúp người khuyết tật giai đoạn 2021 - 2030 trên địa bàn tỉnh "
        "Bình Thuận",
        programme=Programme.objects.get(name="Trợ giúp người khuyết tật"),
        first_year=2021,
        last_year=2030,
        status=PlanStatus.IN_FORCE,
        illustrative=True,
        legal_basis="Quyết định số 1190/QĐ-TTg ngày 05/8/2020 của Thủ tướng Chính phủ phê duyệt Chương trình trợ "
        "giúp người khuyết tật giai đoạn 2021 - 2030.",
    )
    Phase.objects.create(plan=plan, name="Giai đoạn 2021 - 2025", first_year=2021, last_year=2025)
    Phase.objects.create(plan=plan, name="Giai đoạn 2026 - 2030", first_year=2026, last_year=2030)
    indicators = _indicators(plan, DISABILITY_INDICATORS)
    Task.objects.create(
        plan=plan,
        order=1,
        lead=department,
        deadline=datetime.date(2030, 12, 31),
        status="in_progress",
        text="Chủ trì, hướng dẫn, kiểm tra việc thực hiện Kế hoạch; tổng hợp "
        "báo cáo UBND tỉnh và Bộ Lao động - Thương binh và Xã hội.",
    )
    rng = random.Random(4525)
    yearly = {
        "KT01": 70,
        "KT02": 100,
        "KT03": 300,
        "KT04": 60,
        "KT05": 150,
        "KT06": 30,
        "KT07": 200,
        "KT08": 12_000_000_000,
    }
    schedule = Schedule.objects.create(
        plan=plan,
        title="Báo cáo năm của Sở LĐTBXH",
        frequency=Frequency.YEARLY,
        first_year=YEARS[0],
        last_year=YEARS[-1],
        due_days=30,
    )
    schedule.units.set([province])
    services.do_generate_requests(schedule, acting_user=reviewer)
    for req in ReportRequest.objects.filter(schedule=schedule).order_by("period_end"):
        year = req.period_start.year
        values = []
        for code, target in yearly.items():
            Target.objects.create(
                indicator=indicators[code],
                unit=province,
                period_kind="year",
                period_start=req.period_start,
                period_end=req.period_end,
                value=Decimal(target),
            )
            factor = rng.uniform(0.8, 1.1)
            if indicators[code].kind == IndicatorKind.RATIO:
                den = 1000
                values.append(
                    services.ValueInput(
                        indicators[code], "", None, Decimal(min(den, round(den * target / 100 * factor))), Decimal(den)
                    )
                )
            else:
                values.append(services.ValueInput(indicators[code], "", Decimal(round(target * factor))))
        report = services.get_or_start_draft(req, acting_user=reviewer)
        services.do_save_draft(
            report,
            acting_user=reviewer,
            revision=report.revision,
            values=values,
            narrative={
                "results": "Triển khai trợ cấp xã hội, hỗ trợ y tế, giáo dục, học nghề và trợ giúp pháp lý "
                "cho người khuyết tật."
            },
        )
        services.do_submit(report, acting_user=reviewer)
        services.do_accept(report, acting_user=reviewer)
        report.refresh_from_db()
        moment = timezone.make_aware(datetime.datetime(year + 1, 1, 25, 9, 0))
        _backdate(report, moment, moment + datetime.timedelta(days=5))
    return plan


def load_plans(province: Unit, reviewer: User) -> None:
    """Idempotent: the plans are built once, with everything under them."""
    with transaction.atomic():
        for name in ("Bảo vệ trẻ em", "Trợ giúp người khuyết tật", "Phòng, chống bạo lực gia đình"):
            Programme.objects.get_or_create(name=name)
        if not Plan.objects.filter(reference=CHILD_PLAN_REFERENCE, issuer__unit=province).exists():
            _child_plan(province, reviewer)
        if not Plan.objects.filter(reference=DISABILITY_PLAN_REFERENCE, issuer__unit=province).exists():
            _disability_plan(province, reviewer)
