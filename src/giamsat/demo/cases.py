"""Demo child-protection cases: the seed's "nearly 20 children helped" as 20 fictional children of Bình Thuận's
legacy communes, 2020–2023, and two open cases of today's Xã Đức Linh for the demo worker "baove" (plus one of
Xã Hoài Đức for "baove2"). Every name is invented and ends in "Demo".

The cases go through the real services (encryption, the legal clock, the audit trail); steps that the services
stamp "now" (plan submission, approval, closure) are moved back to the dates they happened. Some plans are late
because the family reported late, as the seed says. The child-protection plan 1318/KH-UBND gets indicators
CT13–CT17 computed from these cases, so its page shows them without anyone typing a number.

Idempotent: a case whose child (keyed name hash) is already there is skipped; indicators and users are made once.
Runs after `load_plans` (the plan must exist)."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from giamsat.accounts.models import User
from giamsat.accounts.roles import Role
from giamsat.cases import notify, services
from giamsat.cases.choices import AssessmentKind, ClosureReason, Harm, ReviewOutcome, RiskLevel
from giamsat.cases.crypto import name_hashes
from giamsat.cases.models import Case, SupportPlan
from giamsat.plans.choices import Direction, IndicatorKind, TimeAggregation, UnitAggregation
from giamsat.plans.models import Indicator, Plan, Target
from giamsat.units.choices import Level, Structure
from giamsat.units.models import Unit

from .plans import CHILD_PLAN_REFERENCE

H = datetime.timedelta(hours=1)
D = datetime.timedelta(days=1)
CHAIR = ("chutich", "Ngô Văn Chủ Tịch Demo", "Chủ tịch UBND xã")


@dataclass
class Spec:
    name: str
    commune: int  # legacy commune code (Bình Thuận), or 0 for today's Xã Đức Linh
    received: datetime.datetime | None  # None: relative to now (open cases of today)
    channel: str
    harms: list[str]
    sex: str
    born: datetime.date
    risk: str
    emergency_after: datetime.timedelta | None = None
    plan_after: datetime.timedelta | None = None
    services: list[tuple[str, str, datetime.timedelta]] = field(default_factory=list)
    family_late: bool = False
    incident_before: datetime.timedelta | None = None
    setting: str = "family"
    perpetrator: str = "parent"
    offender: str = "unknown"
    close_after: datetime.timedelta | None = None  # review closing the case
    unfounded: bool = False
    reporter: str = "neighbour"
    received_ago: datetime.timedelta | None = None
    worker: str = ""  # a demo login instead of the legacy commune's worker


def _at(y, m, d, hh=9, mm=0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(y, m, d, hh, mm))


SPECS = [
    Spec(
        "Nguyễn Văn An Demo",
        23191,
        _at(2021, 3, 15, 20, 30),
        "hotline_111",
        ["violence"],
        "male",
        datetime.date(2011, 4, 2),
        RiskLevel.HIGH,
        emergency_after=6 * H,
        plan_after=3 * D,
        services=[
            ("counselling", "Trung tâm Công tác xã hội tỉnh Bình Thuận", 2 * D),
            ("health", "Trạm Y tế thị trấn Võ Xu", 8 * H),
        ],
        perpetrator="step_parent",
        offender="convicted",
        close_after=95 * D,
    ),
    Spec(
        "Trần Thị Bình Demo",
        23194,
        _at(2022, 8, 2, 10),
        "direct",
        ["sexual_molestation"],
        "female",
        datetime.date(2013, 9, 9),
        RiskLevel.HIGH,
        emergency_after=30 * H,
        plan_after=9 * D,
        services=[
            ("legal_aid", "Trung tâm Trợ giúp pháp lý nhà nước tỉnh", 6 * D),
            ("counselling", "Trung tâm Công tác xã hội tỉnh", 3 * D),
        ],
        family_late=True,
        incident_before=21 * D,
        setting="community",
        perpetrator="acquaintance",
        offender="prosecuted",
        close_after=110 * D,
        reporter="parent",
    ),
    Spec(
        "Lê Minh Chí Demo",
        23197,
        _at(2023, 2, 20, 8),
        "school",
        ["neglect"],
        "male",
        datetime.date(2015, 1, 20),
        RiskLevel.MEDIUM,
        plan_after=4 * D,
        services=[("education", "Trường Tiểu học Đa Kai", 5 * D), ("allowance", "UBND xã Đa Kai", 20 * D)],
        reporter="teacher",
        close_after=80 * D,
    ),
    Spec(
        "Phạm Thị Dung Demo",
        22915,
        _at(2020, 11, 5, 21),
        "hotline_111",
        ["sexual_rape"],
        "female",
        datetime.date(2009, 6, 30),
        RiskLevel.HIGH,
        emergency_after=4 * H,
        plan_after=2 * D,
        services=[
            ("health", "Bệnh viện Đa khoa tỉnh Bình Thuận", 5 * H),
            ("counselling", "Trung tâm Công tác xã hội tỉnh", 2 * D),
            ("legal_aid", "Trung tâm Trợ giúp pháp lý nhà nước tỉnh", 4 * D),
        ],
        setting="community",
        perpetrator="acquaintance",
        offender="convicted",
        close_after=150 * D,
    ),
    Spec(
        "Hoàng Văn Em Demo",
        22918,
        _at(2021, 7, 12, 14),
        "police",
        ["violence"],
        "male",
        datetime.date(2010, 2, 14),
        RiskLevel.MEDIUM,
        plan_after=12 * D,
        services=[("counselling", "Trung tâm Công tác xã hội tỉnh", 11 * D)],
        family_late=True,
        incident_before=30 * D,
        offender="fined",
        close_after=70 * D,
        reporter="police",
    ),
    Spec(
        "Vũ Thị Giang Demo",
        23231,
        _at(2022, 1, 20, 15),
        "phone",
        ["exploitation"],
        "female",
        datetime.date(2008, 5, 5),
        RiskLevel.MEDIUM,
        plan_after=6 * D,
        services=[
            ("education", "Phòng Giáo dục và Đào tạo thị xã La Gi", 14 * D),
            ("life_skills", "Đoàn Thanh niên thị xã La Gi", 30 * D),
        ],
        setting="workplace",
        perpetrator="acquaintance",
        offender="fined",
        close_after=100 * D,
    ),
    Spec(
        "Đặng Văn Hải Demo",
        22969,
        _at(2022, 5, 9, 11),
        "hotline_111",
        ["trafficking"],
        "male",
        datetime.date(2007, 12, 1),
        RiskLevel.HIGH,
        emergency_after=10 * H,
        plan_after=3 * D,
        services=[
            ("shelter", "Cơ sở trợ giúp xã hội tỉnh Bình Thuận", 10 * H),
            ("counselling", "Trung tâm Công tác xã hội tỉnh", 3 * D),
        ],
        setting="community",
        perpetrator="stranger",
        offender="prosecuted",
        close_after=120 * D,
    ),
    Spec(
        "Bùi Thị Hoa Demo",
        23005,
        _at(2021, 10, 18, 17),
        "health",
        ["accident"],
        "female",
        datetime.date(2016, 8, 8),
        RiskLevel.LOW,
        plan_after=5 * D,
        services=[("health", "Trung tâm Y tế huyện Bắc Bình", 1 * H), ("allowance", "UBND thị trấn Chợ Lầu", 25 * D)],
        setting="community",
        perpetrator="none",
        offender="not_applicable",
        close_after=60 * D,
        reporter="health_worker",
    ),
    Spec(
        "Ngô Văn Khánh Demo",
        23059,
        _at(2023, 4, 10, 22),
        "online",
        ["sexual_exploitation"],
        "male",
        datetime.date(2009, 3, 3),
        RiskLevel.HIGH,
        emergency_after=8 * H,
        plan_after=4 * D,
        services=[
            ("counselling", "Tổng đài 111", 1 * D),
            ("legal_aid", "Trung tâm Trợ giúp pháp lý nhà nước tỉnh", 7 * D),
        ],
        setting="online",
        perpetrator="online_contact",
        offender="investigated",
        close_after=140 * D,
        reporter="child",
    ),
    Spec(
        "Đỗ Thị Lan Demo",
        23110,
        _at(2020, 9, 14, 6),
        "community",
        ["abandonment"],
        "female",
        datetime.date(2020, 9, 10),
        RiskLevel.HIGH,
        emergency_after=2 * H,
        plan_after=3 * D,
        services=[
            ("health", "Trung tâm Y tế huyện Hàm Thuận Nam", 2 * H),
            ("shelter", "Cơ sở trợ giúp xã hội tỉnh Bình Thuận", 1 * D),
        ],
        setting="community",
        perpetrator="unknown",
        offender="investigated",
        close_after=200 * D,
        reporter="official",
    ),
    Spec(
        "Lý Văn Minh Demo",
        23149,
        _at(2022, 3, 3, 9),
        "hotline_111",
        ["violence"],
        "male",
        datetime.date(2012, 11, 11),
        RiskLevel.LOW,
        plan_after=5 * D,
        services=[("counselling", "Trường THCS Lạc Tánh", 4 * D)],
        setting="school",
        perpetrator="teacher",
        offender="fined",
        close_after=45 * D,
        reporter="parent",
    ),
    Spec(
        "Trịnh Thị Ngọc Demo",
        23152,
        _at(2023, 9, 25, 16),
        "direct",
        ["sexual_intercourse"],
        "female",
        datetime.date(2009, 1, 5),
        RiskLevel.HIGH,
        emergency_after=40 * H,
        plan_after=9 * D,
        services=[
            ("health", "Trung tâm Y tế huyện Tánh Linh", 40 * H),
            ("counselling", "Trung tâm Công tác xã hội tỉnh", 5 * D),
        ],
        family_late=True,
        incident_before=45 * D,
        setting="community",
        perpetrator="acquaintance",
        offender="prosecuted",
        reporter="parent",
    ),
    Spec(
        "Mai Văn Phúc Demo",
        23230,
        _at(2021, 12, 6, 19),
        "hotline_111",
        ["neglect"],
        "male",
        datetime.date(2014, 4, 4),
        RiskLevel.NONE,
        unfounded=True,
        offender="not_applicable",
    ),
    Spec(
        "Cao Thị Quỳnh Demo",
        23272,
        _at(2022, 6, 20, 8),
        "school",
        ["violence"],
        "female",
        datetime.date(2010, 10, 10),
        RiskLevel.MEDIUM,
        plan_after=5 * D,
        services=[("counselling", "Trường THCS Ngũ Phụng", 3 * D), ("life_skills", "Đoàn xã Ngũ Phụng", 20 * D)],
        setting="school",
        perpetrator="peer",
        offender="not_pursued",
        close_after=50 * D,
        reporter="teacher",
    ),
    # The child of the first case, reported again two years later: flagged as a possible duplicate.
    Spec(
        "Nguyễn Văn An Demo",
        23191,
        _at(2023, 7, 3, 10),
        "hotline_111",
        ["other_harm"],
        "male",
        datetime.date(2011, 4, 2),
        RiskLevel.MEDIUM,
        plan_after=11 * D,
        services=[("counselling", "Trung tâm Công tác xã hội tỉnh", 10 * D)],
        family_late=True,
        incident_before=20 * D,
        setting="online",
        perpetrator="peer",
        close_after=60 * D,
    ),
    Spec(
        "Dương Thị Sương Demo",
        22921,
        _at(2023, 11, 13, 20),
        "hotline_111",
        ["sexual_coercion"],
        "female",
        datetime.date(2008, 2, 2),
        RiskLevel.HIGH,
        emergency_after=5 * H,
        plan_after=3 * D,
        services=[("health", "Bệnh viện Đa khoa tỉnh Bình Thuận", 6 * H)],
        setting="family",
        perpetrator="relative",
        offender="investigated",
    ),
    Spec(
        "Tạ Văn Tài Demo",
        22972,
        _at(2020, 6, 1, 7),
        "health",
        ["accident"],
        "male",
        datetime.date(2013, 6, 6),
        RiskLevel.LOW,
        plan_after=4 * D,
        services=[("health", "Trung tâm Y tế huyện Tuy Phong", 1 * H)],
        setting="community",
        perpetrator="none",
        offender="not_applicable",
        close_after=40 * D,
        reporter="health_worker",
    ),
    Spec(
        "Lương Thị Uyên Demo",
        23065,
        _at(2021, 5, 17, 18),
        "hotline_111",
        ["violence"],
        "female",
        datetime.date(2012, 12, 12),
        RiskLevel.HIGH,
        emergency_after=11 * H,
        plan_after=4 * D,
        services=[
            ("shelter", "Nhà tạm lánh Hội LHPN tỉnh", 11 * H),
            ("counselling", "Trung tâm Công tác xã hội tỉnh", 2 * D),
        ],
        offender="fined",
        close_after=90 * D,
    ),
    Spec(
        "Kiều Văn Vinh Demo",
        23113,
        _at(2022, 10, 24, 10),
        "police",
        ["exploitation"],
        "male",
        datetime.date(2009, 7, 7),
        RiskLevel.MEDIUM,
        plan_after=10 * D,
        services=[("education", "Trường THCS Mỹ Thạnh", 12 * D)],
        family_late=True,
        incident_before=60 * D,
        setting="workplace",
        perpetrator="acquaintance",
        offender="fined",
        close_after=75 * D,
        reporter="police",
    ),
    Spec(
        "Hà Thị Xuân Demo",
        23191,
        _at(2023, 12, 4, 9),
        "direct",
        ["violence", "neglect"],
        "female",
        datetime.date(2014, 3, 8),
        RiskLevel.MEDIUM,
        plan_after=5 * D,
        services=[("counselling", "Trung tâm Công tác xã hội tỉnh", 6 * D)],
        perpetrator="parent",
    ),
    # Today, in Xã Đức Linh (worker "baove", chair "chutich"): one serious case with its plan being written, one
    # just received from the hotline; and one of Xã Hoài Đức ("baove2") whose plan is overdue.
    Spec(
        "Phan Thị Yến Demo",
        0,
        None,
        "hotline_111",
        ["violence"],
        "female",
        datetime.date(2017, 5, 1),
        RiskLevel.HIGH,
        emergency_after=9 * H,
        perpetrator="step_parent",
        received_ago=30 * H,
        worker="baove",
        services=[("health", "Trạm Y tế xã Đức Linh", 10 * H)],
    ),
    Spec(
        "Tôn Văn Bảo Demo",
        0,
        None,
        "hotline_111",
        ["neglect"],
        "male",
        datetime.date(2019, 9, 9),
        "",
        received_ago=4 * H,
        worker="baove",
    ),
    Spec(
        "Châu Thị Cúc Demo",
        -1,
        None,
        "school",
        ["violence"],
        "female",
        datetime.date(2014, 2, 2),
        RiskLevel.MEDIUM,
        received_ago=9 * D,
        worker="baove2",
        setting="school",
        perpetrator="peer",
        reporter="teacher",
    ),
]


def _staff(commune: Unit, role: str, prefix: str, title: str) -> User:
    """The legacy commune's child-protection worker or chair (no password: they only stand behind the history)."""
    username = f"{prefix}{commune.code}"
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "full_name": f"{title} Demo {commune.name}",
            "position": title,
            "role": role,
            "unit": commune,
            "email": f"{username}@demo.invalid",
        },
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _chair() -> User:
    from .loader import demo_password

    user = User.objects.filter(username=CHAIR[0]).first()
    if user is None:
        commune = Unit.objects.get(
            structure=Structure.CURRENT, level=Level.COMMUNE, name="Xã Đức Linh", province__code=68
        )
        user = User.objects.create(
            username=CHAIR[0],
            full_name=CHAIR[1],
            position=CHAIR[2],
            role=Role.COMMUNE_CHAIR,
            unit=commune,
            email=f"{CHAIR[0]}@demo.invalid",
        )
        user.set_password(demo_password())
        user.save(update_fields=["password"])
    return user


def _commune(spec: Spec) -> Unit:
    if spec.commune > 0:
        return Unit.objects.get(structure=Structure.LEGACY, level=Level.COMMUNE, code=spec.commune)
    name = "Xã Đức Linh" if spec.commune == 0 else "Xã Hoài Đức"
    return Unit.objects.get(structure=Structure.CURRENT, level=Level.COMMUNE, name=name, province__code=68)


def _load_case(spec: Spec, hotline: User, chair_today: User) -> Case | None:
    if Case.objects.filter(
        child_name_hash__in=name_hashes(spec.name), birth_year=spec.born.year, received_at=spec.received
    ).exists() or (spec.received is None and Case.objects.filter(child_name_hash__in=name_hashes(spec.name)).exists()):
        return None
    commune = _commune(spec)
    now = timezone.now()
    received = spec.received or (now - spec.received_ago).replace(second=0, microsecond=0)
    if spec.worker:
        worker = User.objects.get(username=spec.worker)
        chair = chair_today if spec.worker == "baove" else _staff(commune, Role.COMMUNE_CHAIR, "ctxa", "Chủ tịch UBND")
    else:
        worker = _staff(commune, Role.CHILD_PROTECTION_WORKER, "bvte", "Cán bộ bảo vệ trẻ em")
        chair = _staff(commune, Role.COMMUNE_CHAIR, "ctxa", "Chủ tịch UBND")
    recorder = hotline if spec.channel == "hotline_111" else worker
    data = {
        "channel": spec.channel,
        "received_at": received,
        "commune": commune,
        "receiving_organisation": "Tổng đài điện thoại quốc gia bảo vệ trẻ em 111"
        if recorder == hotline
        else f"UBND {commune.name}",
        "receiving_person": recorder.full_name,
        "reporter_anonymous": spec.reporter == "neighbour",
        "reporter_name": "" if spec.reporter == "neighbour" else f"Người báo tin của {spec.name}",
        "reporter_phone": "" if spec.reporter == "neighbour" else "0900 000 000",
        "reporter_relation": spec.reporter,
        "child_name": spec.name,
        "child_birth_date": spec.born,
        "sex": spec.sex,
        "ethnicity": "Kinh",
        "address_detail": "Thôn Demo",
        "school": "Trường Demo",
        "guardian_name": f"Phụ huynh của {spec.name}",
        "guardian_phone": "0900 000 001",
        "harms": spec.harms,
        "incident_on": (received - spec.incident_before).date() if spec.incident_before else None,
        "setting": spec.setting,
        "perpetrator_relation": spec.perpetrator,
        "immediate_danger": spec.emergency_after is not None and spec.emergency_after <= 12 * H,
        "narrative": "Nội dung minh họa, không có thật: "
        + ", ".join(str(Harm(h).label).lower() for h in spec.harms)
        + (". Gia đình báo tin muộn." if spec.family_late else "."),
    }
    case = services.do_intake(data, acting_user=recorder, forward_now=True)
    if recorder == hotline:
        Case.objects.filter(pk=case.pk).update(forwarded_at=received + 20 * datetime.timedelta(minutes=1))
        case.refresh_from_db()
    if not spec.risk:
        return services.refresh_clock(case)
    # Initial assessment within a few hours (later when the family was slow to come forward).
    assessed = received + (2 * D if spec.family_late else 3 * H)
    if spec.emergency_after is not None:
        assessed = min(assessed, received + spec.emergency_after - H)
    assessed = min(assessed, now)
    services.do_assess(
        case,
        acting_user=worker,
        kind=AssessmentKind.INITIAL,
        assessed_at=assessed,
        risk_level=spec.risk,
        protection_level="prevention"
        if spec.risk == RiskLevel.NONE
        else ("intervention" if spec.risk == RiskLevel.HIGH else "support"),
        findings="Đánh giá minh họa.",
    )
    if spec.unfounded:
        services.do_close(case, acting_user=worker, reason=ClosureReason.UNFOUNDED)
        Case.objects.filter(pk=case.pk).update(closed_at=assessed + H)
        case.refresh_from_db()
        return services.refresh_clock(case)
    if spec.emergency_after is not None:
        services.do_emergency(
            case,
            acting_user=worker,
            kind="placement" if "abandonment" in spec.harms or "trafficking" in spec.harms else "separation",
            taken_at=received + spec.emergency_after,
            decided_by=chair.full_name,
            description="Biện pháp minh họa.",
        )
    for kind, provider, after in spec.services:
        services.do_add_service(
            case, acting_user=worker, kind=kind, provider=provider, delivered_at=received + after, outcome="completed"
        )
    if spec.plan_after is not None:
        planned = received + spec.plan_after
        services.do_assess(
            case,
            acting_user=worker,
            kind=AssessmentKind.DETAILED,
            assessed_at=planned - D,
            findings="Tình trạng minh họa.",
            needs="Nhu cầu minh họa.",
            meeting="Cán bộ bảo vệ trẻ em, gia đình, nhà trường (minh họa).",
        )
        services.do_save_plan(
            case,
            acting_user=worker,
            objectives="Bảo đảm an toàn, phục hồi cho trẻ (minh họa).",
            activities="Tư vấn tâm lý, hỗ trợ y tế, giáo dục (minh họa).",
        )
        services.do_submit_plan(case, acting_user=worker)
        services.do_decide_plan(case, acting_user=chair, approve=True, decision_number=f"{case.number:02d}/QĐ-UBND")
        SupportPlan.objects.filter(case=case).update(submitted_at=planned, approved_at=planned + 2 * D)
    if spec.family_late:
        services.do_record_delay(
            case, acting_user=worker, reason="family_late", note="Gia đình báo tin muộn (minh họa)."
        )
    if spec.offender != "unknown":
        services.do_set_offender_status(case, acting_user=worker, status=spec.offender)
    if spec.close_after is not None:
        services.do_review(
            case,
            acting_user=worker,
            assessed_at=received + spec.close_after,
            risk_level=RiskLevel.NONE,
            child_stable=True,
            outcome=ReviewOutcome.CLOSE,
            findings="Trẻ ổn định (minh họa).",
        )
    case.refresh_from_db()
    return services.refresh_clock(case)


def _indicators() -> None:
    plan = Plan.objects.filter(reference=CHILD_PLAN_REFERENCE).first()
    if plan is None:
        return
    ratio = {
        "kind": IndicatorKind.RATIO,
        "unit_aggregation": UnitAggregation.RATIO,
        "time_aggregation": TimeAggregation.SUM,
    }
    specs = [
        (
            "CT13",
            "Số trẻ em bị bạo lực, xâm hại, tai nạn thương tích được hỗ trợ, can thiệp (từ hồ sơ vụ việc)",
            "trẻ em",
            "cases.children_supported",
            {},
            None,
        ),
        (
            "CT14",
            "Tỷ lệ vụ việc nguy cơ cao được áp dụng biện pháp khẩn cấp trong 12 giờ",
            "%",
            "cases.emergency_within_12h",
            {
                **ratio,
                "numerator_label": "Vụ việc có biện pháp khẩn cấp trong 12 giờ",
                "denominator_label": "Vụ việc nguy cơ cao",
            },
            Decimal(100),
        ),
        (
            "CT15",
            "Tỷ lệ vụ việc được lập kế hoạch hỗ trợ, can thiệp trong 5 ngày làm việc",
            "%",
            "cases.plan_within_5_working_days",
            {
                **ratio,
                "numerator_label": "Kế hoạch lập đúng hạn",
                "denominator_label": "Vụ việc cần kế hoạch (trừ khẩn cấp)",
            },
            Decimal(100),
        ),
        (
            "CT16",
            "Thời gian trung vị từ khi tiếp nhận đến can thiệp, hỗ trợ đầu tiên",
            "giờ",
            "cases.median_hours_to_first_intervention",
            {
                "direction": Direction.DECREASE,
                "time_aggregation": TimeAggregation.LATEST,
                "unit_aggregation": UnitAggregation.AVERAGE,
            },
            Decimal(24),
        ),
        (
            "CT17",
            "Số trẻ em bị xâm hại tình dục được hỗ trợ, can thiệp (từ hồ sơ vụ việc)",
            "trẻ em",
            "cases.children_supported.sexual_abuse",
            {},
            None,
        ),
    ]
    order = max(plan.indicators.values_list("order", flat=True), default=0)
    # The commitments (100% on time, 24 hours) are the province's: its targets, per year and for the whole plan.
    # The districts' cells show their computed values without a target, so the seed's headline ("the districts
    # met over 50% of their targets") stays about the targets they reported on.
    province = plan.issuer.unit
    periods = [
        ("year", datetime.date(y, 1, 1), datetime.date(y, 12, 31)) for y in range(plan.first_year, plan.last_year + 1)
    ]
    periods.append(("span", datetime.date(plan.first_year, 1, 1), datetime.date(plan.last_year, 12, 31)))
    for code, name, measure, source, extra, target in specs:
        if plan.indicators.filter(code=code).exists():
            continue
        order += 1
        indicator = Indicator(plan=plan, order=order, code=code, name=name, measure=measure, source=source, **extra)
        indicator.full_clean()
        indicator.save()
        if target is not None:
            Target.objects.bulk_create(
                [
                    Target(
                        indicator=indicator,
                        unit=province,
                        period_kind=kind,
                        period_start=start,
                        period_end=end,
                        value=target,
                    )
                    for kind, start, end in periods
                ]
            )


def load_cases() -> int:
    """Load the demo cases; returns how many were created (0 on a second run)."""
    hotline = User.objects.get(username="tongdai")
    made = 0
    with notify.silenced():
        chair_today = _chair()
        # In the order received, so the case numbers of a year follow the calendar.
        for spec in sorted(SPECS, key=lambda s: s.received or timezone.now() - s.received_ago):
            with transaction.atomic():
                if _load_case(spec, hotline, chair_today) is not None:
                    made += 1
        with transaction.atomic():
            _indicators()
    return made
