"""The first draft of each supervision document, written from the supervision's data. Users edit it before
issuing; the text here is what a Women's Union secretary would otherwise type by hand."""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from giamsat.units.choices import OrganisationKind

from .choices import TYPE_NAMES, DocumentKind
from .models import IssuerLayout
from .render import DocumentData, Section

MASS_ORGANISATIONS = {OrganisationKind.WOMENS_UNION, OrganisationKind.FATHERLAND_FRONT, OrganisationKind.YOUTH_UNION}
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]


def place_of(unit) -> str:
    """'Tỉnh Bình Thuận' -> 'Bình Thuận'; 'Huyện Đức Linh' -> 'Đức Linh' (the place name on documents)."""
    name = unit.name
    for prefix in ("Thành phố ", "Tỉnh ", "Huyện ", "Thị xã ", "Quận ", "Xã ", "Phường ", "Thị trấn ", "Đặc khu "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def layout_for(organisation) -> IssuerLayout:
    """The organisation's saved layout, else one with the defaults (not saved)."""
    try:
        return organisation.layout
    except IssuerLayout.DoesNotExist:
        mass = organisation.kind in MASS_ORGANISATIONS
        return IssuerLayout(
            organisation=organisation,
            parent_body=organisation.parent.name.upper() if organisation.parent_id else "",
            issuer_name=(("BAN THƯỜNG VỤ " if mass else "") + organisation.name).upper(),
            place_name=place_of(organisation.unit),
            signature_prefix="TM.",
            signature_body="BAN THƯỜNG VỤ" if mass else organisation.name.upper(),
            signer_position="CHỦ TỊCH",
        )


@dataclass
class Draft:
    summary: str
    sections: list[dict]
    recipients: list[str]
    signature_prefix: str = ""
    signature_body: str = ""
    signer_position: str = ""
    signer_name: str = ""
    extra: dict = field(default_factory=dict)


def _about(title: str) -> str:
    """'Giám sát việc thực hiện …' -> 'việc thực hiện …', 'Giám sát UBND …' -> 'UBND …' (to follow 'Giám sát',
    'Kết quả giám sát' …)."""
    text = title.strip()
    if text.lower().startswith("giám sát "):
        text = text[len("giám sát ") :]
    # An acronym keeps its capitals: "UBND các huyện" became "uBND các huyện". A word is one when its second
    # letter is a capital too.
    first_word = text.split(" ", 1)[0]
    if len(first_word) > 1 and not first_word[1].islower():
        return text
    return text[:1].lower() + text[1:]


def _date(day: datetime.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else "…"


def _head(supervision):
    return supervision.delegation.filter(role="head").select_related("user").first()


def _members_text(supervision) -> str:
    lines = []
    for member in supervision.delegation.select_related("user__organisation"):
        details = ", ".join(p for p in (member.display_position, member.display_organisation) if p)
        lines.append(f"- {member.get_role_display()}: {member.display_name}{', ' + details if details else ''}.")
    return "\n".join(lines) or "- (Chưa có thành viên.)"


def _schedule_text(supervision) -> str:
    lines = []
    for row in supervision.schedule.select_related("organisation"):
        where = f", tại {row.place}" if row.place else ""
        lines.append(f"- Ngày {_date(row.scheduled_on)}: làm việc với {row.organisation}{where}.")
    return "\n".join(lines) or "- (Chưa lập lịch.)"


def _sections(*pairs) -> list[dict]:
    return [{"heading": heading, "text": text} for heading, text in pairs]


def _numbered(titles_and_texts) -> list[dict]:
    return [{"heading": f"{ROMAN[i]}. {title}", "text": text} for i, (title, text) in enumerate(titles_and_texts)]


def draft_plan(supervision, layout) -> Draft:
    forms = "; ".join(supervision.forms_display) or "…"
    budget = f"{supervision.budget:,.0f}".replace(",", ".") + " đồng" if supervision.budget else "…"
    period = f"từ ngày {_date(supervision.start_on)} đến ngày {_date(supervision.end_on)}"
    subject = supervision.subject_display or "…"
    organisations = ", ".join(str(o) for o in supervision.supervised.all()) or "…"
    return Draft(
        summary=f"Giám sát {_about(supervision.title)}",
        sections=_numbered(
            [
                ("MỤC ĐÍCH, YÊU CẦU", supervision.purpose or "…"),
                (
                    "NỘI DUNG, ĐỐI TƯỢNG, HÌNH THỨC GIÁM SÁT",
                    f"1. Nội dung: giám sát việc thực hiện {subject}.\n{supervision.content}\n"
                    f"2. Đối tượng được giám sát: {organisations}.\n3. Hình thức giám sát: {forms}.",
                ),
                ("THỜI GIAN, ĐỊA ĐIỂM", f"Thời gian giám sát {period}.\n{_schedule_text(supervision)}"),
                ("THÀNH PHẦN ĐOÀN GIÁM SÁT", _members_text(supervision)),
                ("KINH PHÍ", f"Kinh phí thực hiện: {budget}. {supervision.budget_note}".strip()),
                ("TỔ CHỨC THỰC HIỆN", supervision.coordination or "…"),
            ]
        ),
        recipients=[*(str(o) for o in supervision.supervised.all()), "Thành viên Đoàn giám sát"],
        signature_prefix=layout.signature_prefix,
        signature_body=layout.signature_body,
        signer_position=layout.signer_position,
        signer_name=layout.signer_name,
    )


def draft_decision(supervision, layout) -> Draft:
    plan = supervision.reference or "…"
    basis = (
        "Căn cứ Quyết định số 217-QĐ/TW ngày 12/12/2013 của Bộ Chính trị ban hành Quy chế giám sát và phản biện "
        "xã hội của Mặt trận Tổ quốc Việt Nam và các đoàn thể chính trị - xã hội;\n"
        f"Căn cứ Kế hoạch số {plan} ngày {_date(supervision.issued_on)} về giám sát {_about(supervision.title)};\n"
        "Xét đề nghị của bộ phận chuyên môn,"
    )
    return Draft(
        summary="Về việc thành lập Đoàn giám sát",
        sections=_sections(
            ("", basis),
            ("QUYẾT ĐỊNH:", ""),
            (
                "Điều 1.",
                f"Thành lập Đoàn giám sát {_about(supervision.title)}, gồm các "
                f"thành viên sau:\n{_members_text(supervision)}",
            ),
            (
                "Điều 2.",
                "Đoàn giám sát có nhiệm vụ thực hiện theo Kế hoạch giám sát; Đoàn tự giải thể sau khi hoàn thành "
                "nhiệm vụ.",
            ),
            (
                "Điều 3.",
                "Các cơ quan, đơn vị liên quan và các thành viên có tên tại Điều 1 chịu trách nhiệm thi hành "
                "Quyết định này kể từ ngày ký.",
            ),
        ),
        recipients=["Như Điều 3", *(str(o) for o in supervision.supervised.all())],
        signature_prefix=layout.signature_prefix,
        signature_body=layout.signature_body,
        signer_position=layout.signer_position,
        signer_name=layout.signer_name,
    )


def _findings_text(findings) -> str:
    lines = []
    for number, finding in enumerate(findings, start=1):
        line = f"{number}. {finding.text}"
        if finding.cause:
            line += f" Nguyên nhân: {finding.cause}"
        lines.append(line)
    return "\n".join(lines) or "…"


def draft_minutes(supervision, session, user) -> Draft:
    from giamsat.supervision.queries import figures_text, report_figures

    figures = report_figures(session.reports.select_related("request__schedule__plan", "request__unit"), _today())
    received = figures_text(figures)
    head = _head(supervision)
    return Draft(
        summary=f"Buổi làm việc của Đoàn giám sát với {session.organisation}",
        sections=_numbered(
            [
                (
                    "THỜI GIAN, ĐỊA ĐIỂM",
                    f"Vào lúc {timezone.localtime(session.held_at):%H giờ %M} ngày "
                    f"{timezone.localtime(session.held_at):%d/%m/%Y}, tại {session.place or '…'}.",
                ),
                (
                    "THÀNH PHẦN",
                    f"1. Đoàn giám sát: {session.attendees_delegation or '…'}\n"
                    f"2. {session.organisation}: {session.attendees_supervised or '…'}",
                ),
                (
                    "NỘI DUNG",
                    (session.minutes or "…")
                    + ("\nBáo cáo đơn vị đã gửi Đoàn và kết quả thực hiện chỉ tiêu:\n" + received if received else "")
                    + (f"\nTài liệu khác: {session.documents_received}" if session.documents_received else ""),
                ),
                ("KẾT QUẢ ĐẠT ĐƯỢC", _findings_text(session.findings.filter(kind="result"))),
                ("HẠN CHẾ, NGUYÊN NHÂN", _findings_text(session.findings.filter(kind="limitation"))),
            ]
        )
        + [
            {
                "heading": "",
                "text": "Buổi làm việc kết thúc lúc … giờ … cùng ngày. Biên bản đã được đọc lại cho những người dự "
                "cùng nghe và nhất trí ký tên.",
            }
        ],
        recipients=[],  # minutes are signed by both sides, not sent (render: _minutes_signatures)
        signer_position="TRƯỞNG ĐOÀN GIÁM SÁT",
        signer_name=head.display_name if head else "",
    )


def _recommendation_groups(recommendations) -> list[tuple[int, str, list[str]]]:
    groups: dict[int, tuple[str, list[str]]] = {}
    for rec in recommendations:
        text, addressees = groups.setdefault(rec.item, (rec.text, []))
        addressees.append(str(rec.addressee))
    return [(item, text, addressees) for item, (text, addressees) in sorted(groups.items())]


def draft_report(supervision, layout) -> Draft:
    sessions = list(supervision.sessions.select_related("organisation"))
    visited = ", ".join(str(s.organisation) for s in sessions) or "…"
    period = f"từ ngày {_date(supervision.start_on)} đến ngày {_date(supervision.end_on)}"
    overview = (
        f"Thực hiện Kế hoạch số {supervision.reference or '…'} ngày {_date(supervision.issued_on)}, Đoàn giám sát "
        f"đã giám sát {supervision.subject_display or '…'} {period}.\n"
        f"Đoàn đã làm việc với {len(sessions)} đơn vị: {visited}."
    )
    findings = supervision.findings.select_related("category")
    recommendations = supervision.recommendations.select_related("addressee").order_by(
        "item", "addressee__unit__code", "addressee__name"
    )
    lines = [
        f"{item}. Đề nghị {', '.join(names)}: {text}" for item, text, names in _recommendation_groups(recommendations)
    ]
    head = _head(supervision)
    return Draft(
        summary=f"Kết quả giám sát {_about(supervision.title)}",
        sections=_numbered(
            [
                ("KHÁI QUÁT CUỘC GIÁM SÁT", overview),
                ("KẾT QUẢ ĐẠT ĐƯỢC", _findings_text(findings.filter(kind="result"))),
                ("HẠN CHẾ VÀ NGUYÊN NHÂN", _findings_text(findings.filter(kind="limitation"))),
                ("KIẾN NGHỊ", "\n".join(lines) or "…"),
            ]
        ),
        recipients=sorted({str(r.addressee) for r in recommendations}) + ["Thành viên Đoàn giám sát"],
        signature_prefix="TM.",
        signature_body="ĐOÀN GIÁM SÁT",
        signer_position="TRƯỞNG ĐOÀN",
        signer_name=head.display_name if head else "",
    )


def _issuer_in_text(organisation) -> str:
    """The issuer as a sentence names it: "Ban Thường vụ Hội LHPN tỉnh Bình Thuận", from the organisation's own name
    (the layout's is in capitals for the header, and title-casing it gave "Hội Lhpn")."""
    return ("Ban Thường vụ " if organisation.kind in MASS_ORGANISATIONS else "") + organisation.name


def draft_notice(supervision, addressee, layout) -> Draft:
    recommendations = supervision.recommendations.filter(addressee=addressee).order_by("item")
    lines = [f"{n}. {rec.text} (hạn trả lời: {_date(rec.due_on)})." for n, rec in enumerate(recommendations, 1)]
    days = supervision.response_days
    return Draft(
        summary=f"Kiến nghị sau giám sát {_about(supervision.title)}",
        sections=_sections(
            (
                "",
                f"Thực hiện Kế hoạch số {supervision.reference or '…'} ngày {_date(supervision.issued_on)}, Đoàn "
                f"giám sát đã làm việc và có kết luận giám sát. {_issuer_in_text(supervision.organisation)} thông báo "
                f"và đề nghị {addressee} thực hiện các nội dung sau:",
            ),
            ("", "\n".join(lines) or "…"),
            (
                "",
                f"Đề nghị {addressee} trả lời bằng văn bản kết quả thực hiện kèm minh chứng trong thời hạn {days} "
                "ngày làm việc kể từ ngày kiến nghị (có thể trả lời trực tuyến trên hệ thống giamsat).",
            ),
        ),
        recipients=["Như trên", "Thành viên Đoàn giám sát"],
        signature_prefix=layout.signature_prefix,
        signature_body=layout.signature_body,
        signer_position=layout.signer_position,
        signer_name=layout.signer_name,
    )


def _today() -> datetime.date:
    return timezone.localdate()


def first_draft(kind: str, supervision, *, session=None, addressee=None, user=None) -> Draft:
    layout = layout_for(supervision.organisation)
    if kind == DocumentKind.PLAN:
        return draft_plan(supervision, layout)
    if kind == DocumentKind.DECISION:
        return draft_decision(supervision, layout)
    if kind == DocumentKind.MINUTES:
        return draft_minutes(supervision, session, user)
    if kind == DocumentKind.REPORT:
        return draft_report(supervision, layout)
    return draft_notice(supervision, addressee, layout)


def document_data(document, *, draft: bool | None = None) -> DocumentData:
    """What render_docx needs, from a Document and its issuer's layout."""
    layout = layout_for(document.organisation)
    addressee = str(document.addressee) if document.addressee_id and document.kind == DocumentKind.NOTICE else ""
    return DocumentData(
        parent_body=layout.parent_body,
        issuer_name=layout.issuer_name or document.organisation.name,
        national_name=layout.national_name,
        motto=layout.motto,
        reference=document.reference_preview,
        place_name=document.place_name,
        date=document.issued_on,
        type_name=TYPE_NAMES[DocumentKind(document.kind)],
        summary=document.summary,
        sections=[Section(s.get("heading", ""), s.get("text", "")) for s in document.sections],
        addressee=addressee,
        signature_prefix=document.signature_prefix,
        signature_body=document.signature_body,
        signer_position=document.signer_position,
        signer_name=document.signer_name,
        recipients=[line for line in document.recipients.splitlines() if line.strip()],
        archive=f"{layout.archive}, {document.organisation.abbreviation}" if layout.archive else "VT",
        draft=not document.is_issued if draft is None else draft,
        **_minutes_signers(document),
    )


def _minutes_signers(document) -> dict:
    """Minutes of a working session: signed by the supervised body's representative and by the secretary too."""
    if document.kind != DocumentKind.MINUTES or document.session_id is None:
        return {}
    secretary = None
    if document.supervision_id is not None:
        secretary = document.supervision.delegation.filter(role="secretary").select_related("user").first()
    return {
        "counter_signer": f"ĐẠI DIỆN {document.session.organisation}",
        "secretary_name": secretary.display_name if secretary else "",
    }
