"""The seed's supervisions (seed/000_fac68d95651e1cd8.txt): the Bình Thuận Women's Union delegation on how the
district People's Committees carried out the province's plans on preventing violence and abuse against children
(2020–2023), and its supervision of Plan 4525/KH-UBND at the Department of Labour, Invalids and Social Affairs.

Built through the services, so the history, the deadlines and the document numbers are what the product makes;
the share of targets the districts met is computed from the demo's reports, never typed. Idempotent: run after
`load_plans`; a second run changes nothing. People's names are fictional ("Demo")."""

import datetime

from django.db import transaction
from django.utils import timezone

from giamsat.accounts.models import User
from giamsat.core.models import AuditEntry
from giamsat.core.periods import Period
from giamsat.demo.plans import CHILD_PLAN_REFERENCE, DISABILITY_PLAN_REFERENCE
from giamsat.documents import services as documents
from giamsat.documents.choices import DocumentKind
from giamsat.documents.models import IssuerLayout, NumberCounter
from giamsat.plans.models import Indicator, Plan, Task
from giamsat.reporting.choices import ReportStatus
from giamsat.reporting.models import Report
from giamsat.reporting.queries import achievement_matrix
from giamsat.supervision import services
from giamsat.supervision.choices import (
    SEED_CATEGORIES,
    AddresseeKind,
    FindingKind,
    MemberRole,
    Priority,
    RecommendationStatus,
    SupervisionForm,
)
from giamsat.supervision.models import FindingCategory, Recommendation, Supervision, SupervisionProgramme
from giamsat.units.models import Organisation, Unit

WOMENS_UNION = "Hội Liên hiệp Phụ nữ tỉnh Bình Thuận"
DEPARTMENT = "Sở Lao động - Thương binh và Xã hội tỉnh Bình Thuận"
PROVINCE_COMMITTEE = "Ủy ban nhân dân tỉnh Bình Thuận"
CHILD_TITLE = (
    "Giám sát việc tổ chức thực hiện các Kế hoạch của UBND tỉnh về phòng, chống bạo lực, xâm hại trẻ em và việc "
    "triển khai thực hiện chính sách, pháp luật về phòng, chống xâm hại trẻ em từ năm 2020 đến nay"
)
DISABILITY_TITLE = (
    "Giám sát việc tổ chức triển khai thực hiện Kế hoạch số 4525/KH-UBND ngày 20/11/2020 của UBND tỉnh về thực hiện "
    "Chương trình trợ giúp người khuyết tật giai đoạn 2021 - 2030 trên địa bàn tỉnh Bình Thuận"
)
# Documents the Women's Union issued in 2023 before these, outside giamsat: its register continues from here.
ISSUED_BEFORE_2023 = 41

RESULTS = [
    "Các đơn vị đã bám sát các chỉ tiêu, nhiệm vụ, chỉ đạo phòng chuyên môn phối hợp với các đơn vị tuyên truyền "
    "nâng cao nhận thức, trách nhiệm của gia đình, cộng đồng trong việc chăm sóc, giáo dục, quản lý trẻ em; kịp "
    "thời can thiệp, hỗ trợ trẻ em là nạn nhân của bạo lực, xâm hại tình dục; lan tỏa sâu rộng Tổng đài điện thoại "
    "quốc gia bảo vệ trẻ em 111.",
    "Hỗ trợ trẻ em tiếp cận đầy đủ các dịch vụ xã hội: cấp thẻ bảo hiểm y tế và khám chữa bệnh theo quy định, hưởng "
    "chính sách bảo trợ xã hội, bảo đảm 100% trẻ trong độ tuổi được đến trường; tổ chức truyền thông, diễn đàn giao "
    "lưu, chia sẻ kiến thức, kỹ năng; xây dựng thiết chế văn hóa, sân chơi; thăm hỏi, tặng quà nhân dịp Lễ, Tết "
    "của thiếu nhi trị giá hơn 2 tỷ đồng.",
    "Tổ chức tư vấn pháp luật, trợ giúp pháp lý; phát động khẩu hiệu “Chung tay bảo vệ trẻ em; hãy lên tiếng phòng, "
    "chống xâm hại, bạo lực trẻ em”; thành lập các mô hình “Xây dựng trường học thân thiện, học sinh tích cực”, "
    "“Trường học an toàn”, “Ngôi nhà an toàn”, “Cộng đồng an toàn”, “Tổ Phụ nữ tuyên truyền phòng chống xâm hại trẻ "
    "em”, “Phòng ngừa trẻ em bị xâm hại tình dục”, “Thanh niên xung kích phòng chống xâm hại trẻ em”; phối hợp can "
    "thiệp, hỗ trợ, tư vấn gần 20 trẻ bị bạo lực, xâm hại, tai nạn thương tích và xử lý nghiêm đối tượng vi phạm.",
]

# (category index in SEED_CATEGORIES, text, cause, indicator codes, task order)
LIMITATIONS = [
    (
        0,
        "Công tác tuyên truyền thiếu thường xuyên và đồng bộ.",
        "Cán bộ kiêm nhiệm; chưa có kế hoạch truyền thông chung giữa các ngành.",
        ["CT04"],
        1,
    ),
    (
        1,
        "Trách nhiệm của gia đình phối hợp với nhà trường và xã hội trong việc nắm bắt tâm tư, tình cảm, nhu cầu trẻ "
        "em để giáo dục, chăm sóc, bảo vệ thiếu chặt chẽ.",
        "Nhiều cha mẹ đi làm ăn xa, giao con cho ông bà.",
        ["CT03"],
        None,
    ),
    (
        2,
        "Việc tiếp cận can thiệp, hỗ trợ các trường hợp bạo lực, xâm hại đối với trẻ từng lúc còn chậm.",
        "Gia đình chậm báo tin và cung cấp chứng cứ thiếu cụ thể.",
        ["CT08"],
        3,
    ),
    (
        3,
        "Các mô hình hoạt động thiếu bền vững.",
        "Thiếu kinh phí duy trì, người phụ trách thay đổi.",
        ["CT06", "CT07"],
        2,
    ),
    (
        4,
        "Các diễn đàn để lắng nghe tiếng nói, nguyện vọng của trẻ em chưa nhiều.",
        "Chưa có hướng dẫn tổ chức diễn đàn ở cấp xã.",
        ["CT05"],
        2,
    ),
    (
        5,
        "Chưa xây dựng các thiết chế văn hóa hoặc đã có nhưng chưa phát huy hiệu quả tích cực để đáp ứng nhu cầu "
        "tinh thần cho trẻ em.",
        "Quỹ đất và kinh phí đầu tư hạn chế.",
        ["CT12"],
        None,
    ),
    (
        6,
        "Kinh phí hỗ trợ cho công tác trẻ em còn hạn chế.",
        "Ngân sách địa phương eo hẹp; nguồn xã hội hóa chưa ổn định.",
        ["CT10"],
        None,
    ),
    (7, "Công tác kiểm tra, giám sát thiếu thường xuyên.", "Chưa có lịch kiểm tra định kỳ của cấp huyện.", [], 4),
]

RECOMMEND_DISTRICTS = (
    "Rà soát các chỉ tiêu, nhiệm vụ trong Kế hoạch của UBND tỉnh; tiếp tục đề ra những giải pháp cụ thể tương ứng "
    "với những hạn chế, chỉ tiêu chưa đạt; chỉ đạo phòng chuyên môn và cơ sở phối hợp tổ chức thực hiện."
)
RECOMMEND_AUTHORITIES = (
    "Tiếp thu những ý kiến, đề xuất của các đơn vị để sửa đổi, bổ sung chính sách phù hợp nhằm đảm bảo an toàn cho "
    "trẻ em, trong đó có bố trí kinh phí cho công tác trẻ em và duy trì các mô hình phòng, chống xâm hại trẻ em."
)

# Answers of some districts (by unit code): status, text. The others have not answered and are overdue.
ANSWERS = {
    593: (
        RecommendationStatus.IMPLEMENTED,
        "Đã ban hành Kế hoạch khắc phục số 215/KH-UBND, giao Phòng LĐTBXH chủ "
        "trì; đã tổ chức 12 cuộc truyền thông tại trường học và khu dân cư trong quý IV/2023.",
    ),
    594: (
        RecommendationStatus.PARTLY,
        "Đã rà soát chỉ tiêu; đã bổ sung 2 điểm vui chơi; chưa đủ kinh phí duy trì "
        "mô hình “Ngôi nhà an toàn” ở 3 phường.",
    ),
    595: (
        RecommendationStatus.IN_PROGRESS,
        "Đang rà soát chỉ tiêu, dự kiến ban hành kế hoạch khắc phục trong quý I/2024.",
    ),
    597: (
        RecommendationStatus.IMPLEMENTED,
        "Đã giao chỉ tiêu năm 2024 cho từng xã, thị trấn; tổ chức diễn đàn trẻ em cấp huyện ngày 01/6/2024.",
    ),
}


def ensure_categories() -> None:
    for order, name in enumerate(SEED_CATEGORIES, start=1):
        FindingCategory.objects.get_or_create(name=name, defaults={"order": order})


def _aware(day: datetime.date, hour: int = 8) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(day.year, day.month, day.day, hour, 0))


def _layout(union: Organisation) -> None:
    IssuerLayout.objects.get_or_create(
        organisation=union,
        defaults={
            "parent_body": "HỘI LHPN VIỆT NAM",
            "issuer_name": "BAN THƯỜNG VỤ HỘI LHPN TỈNH BÌNH THUẬN",
            "place_name": "Bình Thuận",
            "signature_prefix": "TM.",
            "signature_body": "BAN THƯỜNG VỤ",
            "signer_position": "PHÓ CHỦ TỊCH",
            "signer_name": "Trần Thị Giám Sát Demo",
        },
    )
    counter, _created = NumberCounter.objects.get_or_create(organisation=union, year=2023)
    if counter.last_number < ISSUED_BEFORE_2023:
        counter.last_number = ISSUED_BEFORE_2023
        counter.save(update_fields=["last_number"])


def _delegation(supervision: Supervision, head: User, actor: User, extra: list[tuple]) -> None:
    services.do_add_member(supervision, acting_user=actor, fields={"role": MemberRole.HEAD, "user": head, "order": 1})
    for order, (role, name, position, organisation) in enumerate(extra, start=2):
        services.do_add_member(
            supervision,
            acting_user=actor,
            fields={
                "role": role,
                "name": name,
                "position": position,
                "organisation_name": organisation,
                "order": order,
            },
        )


def _share_text(plan: Plan, districts: list[Unit]) -> str:
    """The seed's "the districts met over 50% of the targets", computed from the accepted reports: each district's
    yearly targets 2021–2023 judged by the achievement engine, met ones counted over those with data."""
    met = with_data = 0
    for year in (2021, 2022, 2023):
        for row in achievement_matrix(plan, districts, Period.year(year), datetime.date(2023, 12, 31)):
            met += row.share.met
            with_data += row.share.with_data
    percent = round(100 * met / with_data) if with_data else 0
    return (
        f"Qua rà soát, các huyện đạt {percent}% chỉ tiêu so với kế hoạch của giai đoạn ({met}/{with_data} lượt chỉ "
        "tiêu năm 2021 - 2023 có số liệu báo cáo đã duyệt)."
    )


def _child_supervision(union: Organisation, head: User, programme: SupervisionProgramme) -> Supervision:
    plan = Plan.objects.get(reference=CHILD_PLAN_REFERENCE, issuer__name=PROVINCE_COMMITTEE)
    province = plan.issuer.unit
    districts = list(Unit.objects.filter(parent=province).order_by("code"))
    committees = {d.code: Organisation.objects.get(unit=d, abbreviation="UBND", kind="ubnd") for d in districts}
    supervision = services.do_save_supervision(
        Supervision(),
        acting_user=head,
        fields={
            "organisation": union,
            "programme": programme,
            "title": CHILD_TITLE,
            "subject_text": "Các Kế hoạch của UBND tỉnh về phòng, chống bạo lực, xâm hại trẻ em; chính sách, pháp "
            "luật về phòng, chống xâm hại trẻ em.",
            "purpose": "Đánh giá kết quả chỉ đạo, tổ chức thực hiện các Kế hoạch của UBND tỉnh về phòng, chống bạo "
            "lực, xâm hại trẻ em từ năm 2020 đến nay; phát hiện hạn chế, nguyên nhân; kiến nghị giải pháp và sửa "
            "đổi, bổ sung chính sách phù hợp.\nGiám sát đúng quy định, khách quan, không làm ảnh hưởng đến hoạt động "
            "bình thường của đơn vị được giám sát.",
            "content": "Kết quả thực hiện các chỉ tiêu, nhiệm vụ của Kế hoạch; công tác truyền thông; can thiệp, hỗ "
            "trợ trẻ em bị bạo lực, xâm hại; các mô hình; diễn đàn trẻ em; thiết chế văn hóa; kinh phí; kiểm tra, "
            "giám sát.",
            "forms": [SupervisionForm.SESSIONS, SupervisionForm.DOCUMENTS],
            "start_on": datetime.date(2023, 9, 5),
            "end_on": datetime.date(2023, 10, 31),
            "budget": 45_000_000,
            "budget_note": "Kinh phí hoạt động giám sát năm 2023 của Hội LHPN tỉnh.",
            "coordination": "Thống nhất với Ban Thường trực Ủy ban MTTQ Việt Nam tỉnh; phối hợp Sở LĐTBXH cử thành "
            "viên tham gia Đoàn; UBND các huyện, thị xã, thành phố chuẩn bị báo cáo và bố trí thành phần làm việc.",
            "response_days": 30,
        },
        plans=[plan],
        supervised=list(committees.values()),
    )
    first_day = datetime.date(2023, 9, 5)
    day = first_day
    calendar_days = []
    for _district in districts:
        while day.weekday() >= 5:
            day += datetime.timedelta(days=1)
        calendar_days.append(day)
        day += datetime.timedelta(days=3)
    services.do_save_schedule(
        supervision,
        acting_user=head,
        rows={
            row.pk: {"scheduled_on": calendar_days[i], "place": f"Trụ sở {committees[districts[i].code]}"}
            for i, row in enumerate(supervision.schedule.order_by("organisation__unit__code"))
        },
    )
    _delegation(
        supervision,
        head,
        head,
        [
            (MemberRole.DEPUTY, "Nguyễn Thị Phó Đoàn Demo", "Trưởng Ban Gia đình - Xã hội", WOMENS_UNION),
            (MemberRole.MEMBER, "Lê Văn Thành Viên Demo", "Phó Ban Dân chủ - Pháp luật", "Ủy ban MTTQ Việt Nam tỉnh"),
            (MemberRole.MEMBER, "Phạm Thị Thành Viên Demo", "Phó Trưởng phòng Bảo vệ, chăm sóc trẻ em", DEPARTMENT),
            (MemberRole.SECRETARY, "Võ Thị Thư Ký Demo", "Chuyên viên Ban Gia đình - Xã hội", WOMENS_UNION),
        ],
    )
    plan_doc = documents.do_create_draft(supervision, DocumentKind.PLAN, acting_user=head)
    documents.do_issue(plan_doc, acting_user=head, on=datetime.date(2023, 8, 21))
    decision = documents.do_create_draft(supervision, DocumentKind.DECISION, acting_user=head)
    documents.do_issue(decision, acting_user=head, on=datetime.date(2023, 8, 28))

    indicators = {i.code: i for i in Indicator.objects.filter(plan=plan)}
    tasks = {t.order: t for t in Task.objects.filter(plan=plan)}
    sessions = {}
    for i, district in enumerate(districts):
        committee = committees[district.code]
        reports = list(
            Report.objects.filter(
                request__schedule__plan=plan, request__unit=district, status__in=[ReportStatus.ACCEPTED]
            )
        )
        session = services.do_save_session(
            supervision.sessions.model(supervision=supervision),
            acting_user=head,
            fields={
                "organisation": committee,
                "held_at": _aware(calendar_days[i]),
                "place": f"Trụ sở {committee}",
                "attendees_delegation": "Đồng chí Trưởng đoàn, Phó Trưởng đoàn và các thành viên Đoàn giám sát.",
                "attendees_supervised": f"Lãnh đạo {committee}; lãnh đạo Phòng LĐTBXH, Phòng GD&ĐT, Hội LHPN "
                f"{district.name[0].lower()}{district.name[1:]}.",
                "documents_received": "Báo cáo kết quả thực hiện các Kế hoạch của UBND tỉnh về phòng, chống bạo lực, "
                "xâm hại trẻ em từ năm 2020 đến nay.",
                "minutes": f"Đoàn giám sát nghe lãnh đạo {committee} báo cáo kết quả công tác chỉ đạo, tổ chức thực "
                "hiện các Kế hoạch của UBND tỉnh về phòng, chống bạo lực, xâm hại trẻ em và việc triển khai thực hiện "
                "chính sách, pháp luật về phòng, chống xâm hại trẻ em từ năm 2020 đến nay; các thành viên Đoàn trao "
                "đổi, làm rõ các chỉ tiêu chưa đạt.",
            },
            reports=reports,
        )
        sessions[district.code] = session
    finding_model = supervision.findings.model
    for text in RESULTS:
        services.do_save_finding(
            finding_model(supervision=supervision), acting_user=head, fields={"kind": FindingKind.RESULT, "text": text}
        )
    accepted = list(Report.objects.filter(request__schedule__plan=plan, status=ReportStatus.ACCEPTED))
    services.do_save_finding(
        finding_model(supervision=supervision),
        acting_user=head,
        fields={"kind": FindingKind.RESULT, "text": _share_text(plan, districts)},
        reports=accepted,
    )
    categories = list(FindingCategory.objects.filter(name__in=SEED_CATEGORIES))
    by_name = {c.name: c for c in categories}
    limitation_rows = []
    for index, text, cause, codes, task_order in LIMITATIONS:
        limitation_rows.append(
            services.do_save_finding(
                finding_model(supervision=supervision),
                acting_user=head,
                fields={
                    "kind": FindingKind.LIMITATION,
                    "text": text,
                    "cause": cause,
                    "category": by_name[SEED_CATEGORIES[index]],
                },
                indicators=[indicators[c] for c in codes if c in indicators],
                tasks=[tasks[task_order]] if task_order in tasks else [],
            )
        )
    # One limitation seen at a particular session, so the district's page shows it.
    services.do_save_finding(
        finding_model(supervision=supervision),
        acting_user=head,
        fields={
            "kind": FindingKind.LIMITATION,
            "session": sessions[600],
            "text": "Mô hình “Ngôi nhà an toàn” ở một số xã đã ngừng hoạt động sau năm 2022.",
            "cause": "Không còn kinh phí duy trì sau khi kết thúc dự án.",
            "category": by_name[SEED_CATEGORIES[3]],
        },
        indicators=[indicators["CT07"]] if "CT07" in indicators else [],
    )

    made_on = datetime.date(2023, 11, 10)
    district_recs = services.do_create_recommendations(
        supervision,
        acting_user=head,
        text=RECOMMEND_DISTRICTS,
        addressees=list(committees.values()),
        addressee_kind=AddresseeKind.SUPERVISED,
        priority=Priority.HIGH,
        made_on=made_on,
        findings=limitation_rows,
    )
    province_committee = Organisation.objects.get(name=PROVINCE_COMMITTEE)
    department = Organisation.objects.get(name=DEPARTMENT)
    services.do_create_recommendations(
        supervision,
        acting_user=head,
        text=RECOMMEND_AUTHORITIES,
        addressees=[province_committee, department],
        addressee_kind=AddresseeKind.AUTHORITY,
        priority=Priority.NORMAL,
        made_on=made_on,
        findings=[f for f in limitation_rows if f.category.name in (SEED_CATEGORIES[3], SEED_CATEGORIES[6])],
    )
    report_doc = documents.do_create_draft(supervision, DocumentKind.REPORT, acting_user=head)
    documents.do_issue(report_doc, acting_user=head, on=made_on)
    notice = documents.do_create_draft(supervision, DocumentKind.NOTICE, acting_user=head, addressee=committees[600])
    documents.do_issue(notice, acting_user=head, on=made_on)
    # The minutes of the Đức Linh session stay a draft, to show editing before issue.
    documents.do_create_draft(supervision, DocumentKind.MINUTES, acting_user=head, session=sessions[600])

    # Answers: a few districts and the department answered; the province committee did not (overdue).
    by_code = {rec.addressee.unit.code: rec for rec in district_recs}
    for code, (status, text) in ANSWERS.items():
        officer = User.objects.filter(unit__code=code, unit__level=2, role="district_officer").first()
        if officer is None:
            continue
        services.do_respond(by_code[code], acting_user=officer, text=text, status=status)
    verified = by_code[593]
    if verified.pk and Recommendation.objects.get(pk=verified.pk).status == RecommendationStatus.IMPLEMENTED:
        services.do_verify(
            verified,
            acting_user=head,
            confirm=True,
            note="Đã kiểm tra kế hoạch khắc phục và minh chứng các cuộc truyền thông.",
        )
    so_officer = User.objects.filter(username="so.ldtbxh").first()
    if so_officer is not None:
        dept_rec = Recommendation.objects.get(supervision=supervision, addressee=department)
        services.do_respond(
            dept_rec,
            acting_user=so_officer,
            text="Sở đã tổng hợp đề xuất của các huyện, tham mưu UBND tỉnh bổ sung kinh phí duy trì các mô hình "
            "trong dự toán năm 2024; đang xây dựng hướng dẫn tổ chức diễn đàn trẻ em cấp xã.",
            status=RecommendationStatus.IN_PROGRESS,
        )
    _backdate_follow_up(supervision, made_on)
    return supervision


def _backdate_follow_up(supervision: Supervision, made_on: datetime.date) -> None:
    """Put the follow-up at the dates it happened in the story (services stamp 'now')."""
    from giamsat.supervision.models import Response

    answered, verified = _aware(datetime.date(2023, 12, 8), 9), _aware(datetime.date(2023, 12, 15), 10)
    recs = [str(pk) for pk in Recommendation.objects.filter(supervision=supervision).values_list("pk", flat=True)]
    entries = AuditEntry.objects.filter(content_type__model="recommendation", object_id__in=recs)
    entries.filter(action="recommendation.create").update(at=_aware(made_on, 15))
    entries.filter(action="recommendation.respond").update(at=answered)
    entries.filter(action="recommendation.verify").update(at=verified)
    Response.objects.filter(recommendation__supervision=supervision).update(responded_at=answered)
    Recommendation.objects.filter(supervision=supervision, verified_at__isnull=False).update(verified_at=verified)


def _disability_supervision(union: Organisation, head: User, programme: SupervisionProgramme) -> Supervision:
    plan = Plan.objects.get(reference=DISABILITY_PLAN_REFERENCE, issuer__name=PROVINCE_COMMITTEE)
    department = Organisation.objects.get(name=DEPARTMENT)
    supervision = services.do_save_supervision(
        Supervision(),
        acting_user=head,
        fields={
            "organisation": union,
            "programme": programme,
            "title": DISABILITY_TITLE,
            "purpose": "Đánh giá việc tổ chức triển khai Kế hoạch số 4525/KH-UBND tại Sở LĐTBXH; kiến nghị giải "
            "pháp bảo đảm quyền của người khuyết tật, nhất là phụ nữ và trẻ em khuyết tật.",
            "content": "Kết quả thực hiện các chỉ tiêu của Kế hoạch giai đoạn 2021 - 2023; trợ cấp xã hội, chăm sóc "
            "y tế, giáo dục, học nghề, trợ giúp pháp lý cho người khuyết tật.",
            "forms": [SupervisionForm.SESSIONS, SupervisionForm.DOCUMENTS],
            "start_on": datetime.date(2023, 11, 16),
            "end_on": datetime.date(2023, 12, 15),
            "budget": 12_000_000,
            "coordination": "Thống nhất với Ban Thường trực Ủy ban MTTQ Việt Nam tỉnh.",
            "response_days": 30,
        },
        plans=[plan],
        supervised=[department],
    )
    row = supervision.schedule.get()
    services.do_save_schedule(
        supervision,
        acting_user=head,
        rows={row.pk: {"scheduled_on": datetime.date(2023, 11, 21), "place": "Trụ sở Sở LĐTBXH"}},
    )
    _delegation(
        supervision,
        head,
        head,
        [(MemberRole.SECRETARY, "Võ Thị Thư Ký Demo", "Chuyên viên Ban Gia đình - Xã hội", WOMENS_UNION)],
    )
    plan_doc = documents.do_create_draft(supervision, DocumentKind.PLAN, acting_user=head)
    documents.do_issue(plan_doc, acting_user=head, on=datetime.date(2023, 11, 15))
    reports = list(
        Report.objects.filter(request__schedule__plan=plan, request__unit=department.unit, status=ReportStatus.ACCEPTED)
    )
    session = services.do_save_session(
        supervision.sessions.model(supervision=supervision),
        acting_user=head,
        fields={
            "organisation": department,
            "held_at": _aware(datetime.date(2023, 11, 21), 14),
            "place": "Trụ sở Sở LĐTBXH",
            "attendees_delegation": "Trưởng đoàn và các thành viên Đoàn giám sát.",
            "attendees_supervised": "Lãnh đạo Sở; Phòng Bảo trợ xã hội; Phòng Kế hoạch - Tài chính.",
            "minutes": "Đoàn nghe Sở báo cáo kết quả triển khai Kế hoạch số 4525/KH-UBND giai đoạn 2021 - 2023.",
        },
        reports=reports,
    )
    services.do_save_finding(
        supervision.findings.model(supervision=supervision),
        acting_user=head,
        fields={
            "kind": FindingKind.RESULT,
            "session": session,
            "text": "Sở đã tham mưu triển khai trợ cấp xã hội, hỗ trợ y tế, giáo dục, học nghề và trợ giúp pháp lý "
            "cho người khuyết tật theo Kế hoạch.",
        },
    )
    return supervision


def load_supervision() -> None:
    """Idempotent: each supervision is built once, identified by its organisation and title."""
    ensure_categories()
    union = Organisation.objects.filter(name=WOMENS_UNION).first()
    head = User.objects.filter(username="giamsat").first()
    if union is None or head is None or not Plan.objects.filter(reference=CHILD_PLAN_REFERENCE).exists():
        return
    with transaction.atomic():
        _layout(union)
        programme, _created = SupervisionProgramme.objects.get_or_create(
            organisation=union,
            year=2023,
            defaults={"title": "Chương trình giám sát năm 2023 của Hội LHPN tỉnh Bình Thuận"},
        )
        if not Supervision.objects.filter(organisation=union, title=CHILD_TITLE).exists():
            _child_supervision(union, head, programme)
        if not Supervision.objects.filter(organisation=union, title=DISABILITY_TITLE).exists():
            _disability_supervision(union, head, programme)
