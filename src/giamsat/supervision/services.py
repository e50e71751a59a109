"""Writes on supervision: each one transaction with its audit entry, after checking who may do it.

Follow-up rules (docs/supervision.md):
- A recommendation's answer deadline is `made_on` plus the supervision's `response_days` working days (the VN
  public holidays and the administrator's days off and make-up days, core.models.work_calendar()); computed here,
  never typed; recomputed when the date or the supervision's number of days changes, except once reopened (then
  counted from the day of reopening) or answered for good.
- The addressee answers with text, a status (in progress, implemented, partly implemented, not accepted — the
  last with its reason) and evidence files; it may answer again until the supervising side has verified.
- The supervising side verifies a final answer (implemented, partly, not accepted): confirm it, or reopen it
  (back to in progress, with its reason).
- Overdue is computed: deadline passed and no final answer yet.
"""

import datetime
import unicodedata

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.forms.models import model_to_dict
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from giamsat.core import audit
from giamsat.core.formatting import dmy
from giamsat.core.models import work_calendar
from giamsat.core.stale import check_seen
from giamsat.core.uploads import removed_on_failure
from giamsat.units.models import Organisation

from .choices import ANSWER_STATUSES, FINAL_STATUSES, MemberRole, RecommendationStatus, SupervisionStatus
from .models import (
    DelegationMember,
    Evidence,
    Finding,
    Recommendation,
    Response,
    SupervisedOrganisation,
    Supervision,
    SupervisionProgramme,
    WorkingSession,
)

# How the history tables name each action (the codes themselves stay in the audit log).
audit.LABELS.update(
    {
        "supervision.create": gettext_lazy("Lập kế hoạch giám sát"),
        "supervision.update": gettext_lazy("Sửa kế hoạch giám sát"),
        "supervision.change": gettext_lazy("Sửa kế hoạch giám sát"),
        "supervision.schedule": gettext_lazy("Sửa lịch làm việc"),
        "programme.create": gettext_lazy("Lập chương trình giám sát"),
        "programme.update": gettext_lazy("Sửa chương trình giám sát"),
        "delegation.add": gettext_lazy("Thêm thành viên đoàn"),
        "delegation.remove": gettext_lazy("Bớt thành viên đoàn"),
        "session.create": gettext_lazy("Ghi buổi làm việc"),
        "session.update": gettext_lazy("Sửa buổi làm việc"),
        "finding.create": gettext_lazy("Ghi kết quả, hạn chế"),
        "finding.update": gettext_lazy("Sửa kết quả, hạn chế"),
        "finding.delete": gettext_lazy("Xóa kết quả, hạn chế"),
        "recommendation.create": gettext_lazy("Đưa ra kiến nghị"),
        "recommendation.update": gettext_lazy("Sửa kiến nghị"),
        "recommendation.respond": gettext_lazy("Trả lời kiến nghị"),
        "recommendation.verify": gettext_lazy("Xác nhận kết quả"),
        "recommendation.reopen": gettext_lazy("Yêu cầu tiếp tục thực hiện"),
        "recommendation.withdraw": gettext_lazy("Rút kiến nghị"),
    }
)


class FollowUpError(Exception):
    """A step that is not allowed now; the message is for the user."""


def _require(queryset, pk) -> None:
    if not queryset.filter(pk=pk).exists():
        raise Http404


def _check_change(user, supervision: Supervision) -> None:
    _require(Supervision.objects.restrict(user, "change"), supervision.pk)


def _plain(obj, fields=None) -> dict:
    """The stored row's fields, not `obj`'s: a bound ModelForm has already copied the new values onto it, and an
    edit made on the web was audited as no change."""
    return model_to_dict(type(obj).objects.get(pk=obj.pk), fields=fields) if obj.pk else {}


def _tidy(fields: dict) -> dict:
    """Typed texts as stored: precomposed (NFC; macOS and phones send "giám" decomposed, and it then failed every
    comparison, as in "Giám sát giám sát…"), with the browser's CRLF line breaks as LF, and without surrounding
    spaces, so that "   " is the empty text it looks like and is refused where a text is required."""
    return {name: _tidy_text(value) if isinstance(value, str) else value for name, value in fields.items()}


def _tidy_text(value: str) -> str:
    return unicodedata.normalize("NFC", value).replace("\r\n", "\n").strip()


def due_date(made_on: datetime.date, days: int, calendar=None) -> datetime.date:
    return (calendar or work_calendar()).add_working_days(made_on, days)


# A recommendation's date: 30/12/9999 passed every form and the deadline after it was past the last date Python
# holds (a server error).
MADE_ON_YEARS = (2000, 2100)
RESPONSE_DAYS = (1, 365)  # working days; the API's own bounds


def _check_made_on(made_on: datetime.date) -> None:
    first, last = MADE_ON_YEARS
    if not first <= made_on.year <= last:
        raise ValidationError(
            {"made_on": _("Ngày kiến nghị phải trong các năm %(first)s–%(last)s.") % {"first": first, "last": last}}
        )


def _check_after_start(made_on: datetime.date, supervision: Supervision) -> None:
    if supervision.start_on and made_on < supervision.start_on:
        raise ValidationError(
            {
                "made_on": _("Ngày kiến nghị không thể trước ngày bắt đầu giám sát (%(start)s).")
                % {"start": dmy(supervision.start_on)}
            }
        )


# --------------------------------------------------------------------------------------------- supervisions


def can_create(user, organisation) -> bool:
    """Supervisors plan supervisions for their own organisation (or, as administrators, any)."""
    return user.can("supervision.change") and (user.sees_all or user.organisation_id == organisation.pk)


SUPERVISION_FIELDS = [
    "organisation",
    "programme",
    "title",
    "reference",
    "issued_on",
    "subject_text",
    "purpose",
    "content",
    "forms",
    "start_on",
    "end_on",
    "budget",
    "budget_note",
    "coordination",
    "response_days",
    "status",
    "delegation_decision_text",
]


def _plan_issued_here(supervision: Supervision) -> bool:
    from giamsat.documents.choices import DocumentKind, DocumentStatus

    return bool(supervision.pk) and (
        supervision.documents.filter(kind=DocumentKind.PLAN, status=DocumentStatus.ISSUED).exists()
    )


def _dates(stored: dict) -> dict:
    return {"issued_on": stored.get("issued_on"), "start_on": stored.get("start_on")}


def _plan_day(supervision: Supervision) -> datetime.date:
    """The day whose year a plan's number belongs to."""
    return supervision.issued_on or supervision.start_on or timezone.localdate()


def _hold_plan_number(supervision: Supervision) -> None:
    """A plan number typed for a plan issued outside giamsat ("04/KH-HLHPN") is a number of the organisation's
    register for the plan's year: refused when the register already gave it to another document, else the
    register moves past it, so that it never gives it to a notice or a report later."""
    from giamsat.core.docnumbers import format_number, parse_reference
    from giamsat.documents.choices import DocumentKind
    from giamsat.documents.models import Document, NumberCounter

    try:
        reference = parse_reference(supervision.reference)
    except ValueError:
        return  # no reference, or the model's own validation has said what is wrong
    if reference.issuer.upper() != (supervision.organisation.abbreviation or "").upper():
        return  # another body's plan: not this register
    day = _plan_day(supervision)
    # Locked first, so that two supervisions typing the same number at once are checked one after the other.
    counter, _created = NumberCounter.objects.select_for_update().get_or_create(
        organisation=supervision.organisation, year=day.year
    )
    given = Document.objects.filter(organisation=supervision.organisation, year=day.year, number=reference.number)
    if supervision.pk is not None:  # its own plan, issued here, may be typed again
        given = given.exclude(supervision=supervision, kind=DocumentKind.PLAN)
    given = given.first()
    if given is not None:
        raise ValidationError(
            {
                "reference": _(
                    "Số %(number)s năm %(year)s của sổ đăng ký văn bản đã cấp cho %(document)s; hãy kiểm tra lại số "
                    "kế hoạch."
                )
                % {"number": format_number(reference.number), "year": day.year, "document": given.reference}
            }
        )
    # A plan issued outside giamsat is no Document: another supervision's typed number is checked here.
    others = Supervision.objects.filter(organisation=supervision.organisation).exclude(reference="")
    for other in others.exclude(pk=supervision.pk) if supervision.pk else others:
        try:
            theirs = parse_reference(other.reference)
        except ValueError:
            continue
        if (theirs.number, theirs.issuer.upper()) == (reference.number, reference.issuer.upper()) and (
            _plan_day(other).year == day.year
        ):
            raise ValidationError(
                {
                    "reference": _(
                        "Số %(number)s năm %(year)s đã là số kế hoạch của cuộc giám sát “%(title)s”; hãy kiểm tra lại "
                        "số kế hoạch."
                    )
                    % {"number": format_number(reference.number), "year": day.year, "title": other.title}
                }
            )
    if counter.last_number < reference.number:
        counter.last_number = reference.number
        counter.save(update_fields=["last_number"])


def supervision_state(supervision: Supervision) -> dict:
    """What the edit page shows of a stored supervision (core.stale)."""
    return {
        **_plain(supervision, SUPERVISION_FIELDS),
        "plans": sorted(supervision.plans.values_list("pk", flat=True)),
        "supervised": sorted(supervision.schedule.values_list("organisation_id", flat=True)),
    }


def do_save_supervision(
    supervision: Supervision, *, acting_user, fields: dict, plans=None, supervised=None, seen: str | None = None
) -> Supervision:
    """Create or update; `supervised` (organisations) replaces the schedule's rows, keeping the dates of those
    that stay. `seen`: the edit page's digest of the supervision (core.stale); a later save is not overwritten."""
    fields = _tidy(fields)
    days = fields.get("response_days")
    if days is not None and not RESPONSE_DAYS[0] <= days <= RESPONSE_DAYS[1]:
        # 0 put the deadline on the day of the recommendation, 32767 in the year 2153.
        raise ValidationError(
            {
                "response_days": _("Thời hạn trả lời phải từ %(first)s đến %(last)s ngày làm việc.")
                % {"first": RESPONSE_DAYS[0], "last": RESPONSE_DAYS[1]}
            }
        )
    if plans is not None and not plans and not fields.get("subject_text", getattr(supervision, "subject_text", "")):
        raise ValidationError({"subject_text": _("Chọn kế hoạch được giám sát hoặc ghi nội dung được giám sát.")})
    with transaction.atomic():
        if supervision.pk:
            _check_change(acting_user, supervision)
            Supervision.objects.select_for_update().filter(pk=supervision.pk).first()  # one save after the other
            check_seen(
                seen,
                supervision_state(supervision),
                _(
                    "Cuộc giám sát đã thay đổi sau khi bạn mở trang này (người khác sửa, hoặc trạng thái chuyển khi "
                    "ghi buổi làm việc); chưa lưu gì. Những gì bạn gõ vẫn còn trên trang: tải lại trang để xem bản "
                    "mới, hoặc bấm Lưu lần nữa để ghi đè bằng nội dung của bạn."
                ),
            )
        created = supervision.pk is None
        before = _plain(supervision, SUPERVISION_FIELDS)
        old_days = before.get("response_days")
        organisation = fields.get("organisation", getattr(supervision, "organisation", None))
        # Kept is the stored organisation, not the instance's (a form has already set the new one on it).
        kept = not created and organisation is not None and organisation.pk == before.get("organisation")
        if organisation is None or not (can_create(acting_user, organisation) or kept):
            raise Http404
        for name, value in fields.items():
            setattr(supervision, name, value)
        if created:
            supervision.created_by = acting_user
        supervision.full_clean()
        if supervision.status == SupervisionStatus.DRAFT and before.get("status") not in (
            None,
            SupervisionStatus.DRAFT,
        ):
            _check_back_to_draft(supervision)
        renumbered = supervision.reference != before.get("reference")
        redated = bool(before) and supervision.issued_on != before.get("issued_on")
        if (renumbered or redated) and _plan_issued_here(supervision):
            raise ValidationError(
                {
                    "reference" if renumbered else "issued_on": _(
                        "Kế hoạch giám sát đã ban hành trong hệ thống (số %(reference)s): số và ngày của nó không sửa "
                        "được."
                    )
                    % {"reference": before.get("reference")}
                }
            )
        # The number belongs to its year's register: a plan moved to another year is checked in that year's.
        moved_year = bool(before) and _plan_day(supervision).year != _plan_day(Supervision(**_dates(before))).year
        if renumbered or moved_year:
            _hold_plan_number(supervision)
        supervision.save()
        if plans is not None:
            supervision.plans.set(plans)
        if supervised is not None:
            keep = {o.pk for o in supervised}
            _check_still_supervised(supervision, keep)
            SupervisedOrganisation.objects.filter(supervision=supervision).exclude(organisation_id__in=keep).delete()
            existing = set(supervision.schedule.values_list("organisation_id", flat=True))
            SupervisedOrganisation.objects.bulk_create(
                [
                    SupervisedOrganisation(supervision=supervision, organisation=o)
                    for o in supervised
                    if o.pk not in existing
                ]
            )
        if old_days is not None and old_days != supervision.response_days:
            _recompute_deadlines(supervision)
        changes = audit.diff(before, _plain(supervision, SUPERVISION_FIELDS))
        if supervised is not None:
            changes["supervised"] = sorted(str(o) for o in supervised)
        audit.record(acting_user, "supervision.create" if created else "supervision.update", supervision, changes)
    return supervision


def _check_still_supervised(supervision: Supervision, keep: set[int]) -> None:
    """A unit the delegation has already worked with stays on the list: taken off, its sessions and findings lost
    their unit's view (a 404 on the supervision, the session still open to it)."""
    worked_with = (
        set(supervision.sessions.values_list("organisation_id", flat=True))
        | set(supervision.findings.exclude(organisation=None).values_list("organisation_id", flat=True))
        | set(supervision.recommendations.values_list("addressee_id", flat=True))
    ) & set(supervision.schedule.values_list("organisation_id", flat=True))
    if dropped := worked_with - keep:
        names = ", ".join(str(o) for o in Organisation.objects.filter(pk__in=dropped).order_by("name"))
        raise ValidationError(
            {
                "supervised": _(
                    "Không bỏ được %(units)s khỏi danh sách: đoàn đã làm việc, ghi kết quả hoặc kiến nghị với "
                    "đơn vị này."
                )
                % {"units": names}
            }
        )


def _check_back_to_draft(supervision: Supervision) -> None:
    """A draft is hidden from the supervised (scoping.supervised): set back to draft after its plan was issued or
    recommendations were made, the addressees lost the plan and the recommendations they were answering."""
    from giamsat.documents.choices import DocumentStatus

    if supervision.documents.filter(status=DocumentStatus.ISSUED).exists() or supervision.recommendations.exists():
        raise ValidationError(
            {
                "status": _(
                    "Không chuyển về dự thảo được: cuộc giám sát đã có văn bản ban hành hoặc kiến nghị, các đơn vị "
                    "được giám sát sẽ không xem được nữa."
                )
            }
        )


def _recompute_deadlines(supervision: Supervision) -> None:
    calendar = work_calendar()
    for rec in Recommendation.objects.filter(supervision=supervision).deadline_from_made_on():
        due = due_date(rec.made_on, supervision.response_days, calendar)
        if due != rec.due_on:
            Recommendation.objects.filter(pk=rec.pk).update(due_on=due, reminded_before_on=None, reminded_after_on=None)


def do_save_schedule(supervision: Supervision, *, acting_user, rows: dict[int, dict]) -> None:
    """rows: {SupervisedOrganisation pk: {"scheduled_on": date|None, "place": str}}."""
    with transaction.atomic():
        _check_change(acting_user, supervision)
        changed = {}
        for row in supervision.schedule.select_related("organisation"):
            new = rows.get(row.pk)
            if new is None:
                continue
            if (row.scheduled_on, row.place) != (new["scheduled_on"], new["place"]):
                changed[str(row.organisation)] = [str(row.scheduled_on or ""), str(new["scheduled_on"] or "")]
                row.scheduled_on, row.place = new["scheduled_on"], new["place"]
                row.save(update_fields=["scheduled_on", "place"])
        audit.record(acting_user, "supervision.schedule", supervision, changed)


def do_save_programme(programme: SupervisionProgramme, *, acting_user, fields: dict) -> SupervisionProgramme:
    with transaction.atomic():
        if programme.pk:
            _require(SupervisionProgramme.objects.restrict(acting_user, "change"), programme.pk)
        organisation = fields.get("organisation", getattr(programme, "organisation", None))
        if organisation is None or not can_create(acting_user, organisation):
            raise Http404
        if not MADE_ON_YEARS[0] <= (fields.get("year") or programme.year or 0) <= MADE_ON_YEARS[1]:
            raise ValidationError(
                {
                    "year": _("Năm phải trong khoảng %(first)s–%(last)s.")
                    % {"first": MADE_ON_YEARS[0], "last": MADE_ON_YEARS[1]}
                }
            )
        before = _plain(programme, ["organisation", "year", "title", "note"])
        created = programme.pk is None
        for name, value in fields.items():
            setattr(programme, name, value)
        programme.full_clean()
        programme.save()
        audit.record(
            acting_user,
            "programme.create" if created else "programme.update",
            programme,
            audit.diff(before, _plain(programme, ["organisation", "year", "title", "note"])),
        )
    return programme


# --------------------------------------------------------------------------------------------- delegation


def do_add_member(supervision: Supervision, *, acting_user, fields: dict) -> DelegationMember:
    fields = _tidy(fields)
    with transaction.atomic():
        _check_change(acting_user, supervision)
        Supervision.objects.select_for_update().filter(pk=supervision.pk).first()  # two adds, one after the other
        member = DelegationMember(supervision=supervision, **fields)
        # The decision and the plan name one head and each member once; documents took the first of two silently.
        if member.user_id and supervision.delegation.filter(user_id=member.user_id).exists():
            raise ValidationError({"user": _("Người này đã có trong đoàn.")})
        if member.role == MemberRole.HEAD and supervision.delegation.filter(role=MemberRole.HEAD).exists():
            raise ValidationError({"role": _("Đoàn đã có Trưởng đoàn; hãy bớt người cũ trước khi thêm người mới.")})
        if not member.order:
            member.order = (supervision.delegation.aggregate(m=Max("order"))["m"] or 0) + 1
        member.full_clean()
        member.save()
        audit.record(acting_user, "delegation.add", supervision, {"member": str(member)})
    return member


def do_remove_member(member: DelegationMember, *, acting_user) -> None:
    with transaction.atomic():
        _check_change(acting_user, member.supervision)
        audit.record(acting_user, "delegation.remove", member.supervision, {"member": str(member)})
        member.delete()


# --------------------------------------------------------------------------------------------- sessions, findings


SESSION_FIELDS = [
    "organisation",
    "held_at",
    "place",
    "attendees_delegation",
    "attendees_supervised",
    "documents_received",
    "minutes",
]


def do_save_session(session: WorkingSession, *, acting_user, fields: dict, reports=None) -> WorkingSession:
    fields = _tidy(fields)
    with transaction.atomic():
        _check_change(acting_user, session.supervision)
        organisation = fields.get("organisation", getattr(session, "organisation", None))
        if organisation is not None and not session.supervision.schedule.filter(organisation=organisation).exists():
            raise ValidationError({"organisation": _("Đơn vị này không có trong danh sách được giám sát.")})
        held_at = fields.get("held_at")
        if held_at is not None and not MADE_ON_YEARS[0] <= held_at.year <= MADE_ON_YEARS[1]:
            # 01/01/0001 passed the form and failed on saving, in a time zone before year 1 (a server error).
            raise ValidationError(
                {
                    "held_at": _("Thời gian phải trong các năm %(first)s–%(last)s.")
                    % {"first": MADE_ON_YEARS[0], "last": MADE_ON_YEARS[1]}
                }
            )
        created = session.pk is None
        before = _plain(session, SESSION_FIELDS)
        for name, value in fields.items():
            setattr(session, name, value)
        session.full_clean()
        session.save()
        if reports is not None:
            session.reports.set(reports)
        changes = audit.diff(before, _plain(session, SESSION_FIELDS))
        if not created and "organisation" in changes:
            # The session's findings are about the unit it was held with: they follow it, or each unit would see
            # the other's findings in a session of its own.
            moved = session.findings.exclude(organisation=session.organisation).update(
                organisation=session.organisation
            )
            changes["findings_moved"] = moved
        if reports is not None:
            changes["reports"] = sorted(r.pk for r in reports)
        audit.record(acting_user, "session.create" if created else "session.update", session, changes)
        supervision = session.supervision
        if created and supervision.status == "planned":
            supervision.status = "ongoing"
            supervision.save(update_fields=["status"])
    return session


FINDING_FIELDS = ["session", "organisation", "kind", "text", "cause", "category", "order"]


def do_save_finding(
    finding: Finding, *, acting_user, fields: dict, indicators=None, tasks=None, reports=None
) -> Finding:
    fields = _tidy(fields)
    with transaction.atomic():
        _check_change(acting_user, finding.supervision)
        created = finding.pk is None
        before = _plain(finding, FINDING_FIELDS)
        for name, value in fields.items():
            setattr(finding, name, value)
        if finding.session_id and finding.session.supervision_id != finding.supervision_id:
            raise Http404
        if finding.session_id and finding.organisation_id is None:
            finding.organisation = finding.session.organisation
        elif finding.session_id and finding.organisation_id != finding.session.organisation_id:
            raise ValidationError(
                {
                    "organisation": _("Kết quả của một buổi làm việc thuộc về đơn vị của buổi đó (%(unit)s).")
                    % {"unit": finding.session.organisation}
                }
            )
        finding.full_clean()
        finding.save()
        for name, values in (("indicators", indicators), ("tasks", tasks), ("reports", reports)):
            if values is not None:
                getattr(finding, name).set(values)
        audit.record(
            acting_user,
            "finding.create" if created else "finding.update",
            finding,
            audit.diff(before, _plain(finding, FINDING_FIELDS)),
        )
    return finding


def do_delete_finding(finding: Finding, *, acting_user) -> None:
    with transaction.atomic():
        _check_change(acting_user, finding.supervision)
        audit.record(acting_user, "finding.delete", finding, {"text": finding.text[:200]})
        finding.delete()


# --------------------------------------------------------------------------------------------- recommendations


def do_create_recommendations(
    supervision: Supervision,
    *,
    acting_user,
    text: str,
    addressees,
    addressee_kind: str,
    priority: str,
    made_on: datetime.date,
    findings=(),
) -> list[Recommendation]:
    """One recommendation to each addressee, sharing the next item number of the supervision."""
    text = _tidy({"text": text})["text"]
    if not addressees:
        raise ValidationError({"addressees": _("Chọn ít nhất một nơi nhận kiến nghị.")})
    _check_made_on(made_on)
    with transaction.atomic():
        _check_change(acting_user, supervision)
        locked = Supervision.objects.select_for_update().get(pk=supervision.pk)
        if locked.status == SupervisionStatus.DRAFT:
            # A draft is hidden from the supervised: the addressee could not see it while its deadline ran.
            raise FollowUpError(
                _(
                    "Cuộc giám sát còn là dự thảo, nơi nhận chưa xem được kiến nghị. Hãy ban hành kế hoạch hoặc chuyển "
                    "trạng thái sang “Đã ban hành kế hoạch” trước."
                )
            )
        _check_after_start(made_on, locked)
        item = (Recommendation.objects.filter(supervision=locked).aggregate(m=Max("item"))["m"] or 0) + 1
        due = due_date(made_on, locked.response_days)
        made = []
        for addressee in addressees:
            rec = Recommendation(
                supervision=locked,
                item=item,
                addressee=addressee,
                addressee_kind=addressee_kind,
                text=text,
                priority=priority,
                made_on=made_on,
                due_on=due,
            )
            rec.full_clean()
            rec.save()
            rec.findings.set(findings)
            audit.record(acting_user, "recommendation.create", rec, {"due_on": str(due), "addressee": str(addressee)})
            made.append(rec)
    return made


REC_FIELDS = ["text", "priority", "made_on", "addressee_kind"]


def recommendation_state(rec: Recommendation) -> dict:
    """What the edit page shows of a stored recommendation (core.stale)."""
    return {**_plain(rec, REC_FIELDS), "findings": sorted(rec.findings.values_list("pk", flat=True))}


def do_update_recommendation(
    rec: Recommendation, *, acting_user, fields: dict, findings=None, seen: str | None = None
) -> Recommendation:
    """The supervising side corrects text, priority, date (the deadline follows) before it is verified. `seen`: the
    edit page's digest of the recommendation (core.stale); a later save is not overwritten."""
    with transaction.atomic():
        _require(Recommendation.objects.restrict(acting_user, "change"), rec.pk)
        rec = Recommendation.objects.select_for_update().get(pk=rec.pk)
        if rec.verified:
            raise FollowUpError(_("Kiến nghị đã được xác nhận kết quả, không sửa được nữa."))
        check_seen(
            seen,
            recommendation_state(rec),
            _(
                "Kiến nghị vừa được người khác sửa sau khi bạn mở trang này; chưa lưu gì. Những gì bạn gõ vẫn còn trên "
                "trang: tải lại trang để xem bản mới, hoặc bấm Lưu lần nữa để ghi đè bằng nội dung của bạn."
            ),
        )
        before = _plain(rec, REC_FIELDS)
        fields = _tidy(fields)
        for name in REC_FIELDS:
            if name in fields:
                setattr(rec, name, fields[name])
        moved = rec.made_on != before["made_on"]
        # Compared as stored from now on: a text kept as it was (CRLF from the browser, an older row not yet NFC) is
        # no change.
        if rec.is_final and (moved or rec.text != _tidy_text(before["text"])):
            # The addressee answered the text it was sent; a new one would stand above an answer to another.
            raise FollowUpError(
                _(
                    "Nơi nhận đã trả lời xong kiến nghị này, nên không sửa nội dung hoặc ngày được nữa. Nếu cần làm "
                    "tiếp, hãy bấm “Yêu cầu tiếp tục thực hiện”."
                )
            )
        if moved:
            _check_made_on(rec.made_on)
            _check_after_start(rec.made_on, rec.supervision)
        # Only a new date moves the deadline, and not a reopened one's: recomputed on every edit, a spelling fix
        # put back the first deadline of a reopened recommendation, overdue at once.
        if moved and Recommendation.objects.deadline_from_made_on().filter(pk=rec.pk).exists():
            due = due_date(rec.made_on, rec.supervision.response_days)
            if due != rec.due_on:
                rec.due_on = due
                rec.reminded_before_on = rec.reminded_after_on = None
        if rec.due_on < rec.made_on:
            raise ValidationError(
                {"made_on": _("Ngày kiến nghị phải trước hạn trả lời (%(due)s).") % {"due": dmy(rec.due_on)}}
            )
        rec.full_clean()
        rec.save()
        if findings is not None:
            rec.findings.set(findings)
        audit.record(
            acting_user,
            "recommendation.update",
            rec,
            audit.diff(before, _plain(rec, REC_FIELDS)),
        )
    return rec


def withdraw_refused(rec: Recommendation) -> str | None:
    """Why this recommendation cannot be withdrawn, or None. Only one nobody has acted on or been sent yet: no answer
    from its addressee, no notice (issued, or drafted and so holding it) to the addressee, no issued report (which
    lists every recommendation by its number)."""
    from giamsat.documents.choices import DocumentKind, DocumentStatus

    if rec.responses.exists():
        return _("Nơi nhận đã trả lời kiến nghị này nên không rút được; có thể sửa nội dung.")
    documents = rec.supervision.documents
    notice = documents.filter(kind=DocumentKind.NOTICE, addressee=rec.addressee).order_by("-status").first()
    if notice is not None and notice.status == DocumentStatus.ISSUED:
        return _("Kiến nghị đã được gửi tới nơi nhận bằng thông báo số %(reference)s nên không rút được.") % {
            "reference": notice.reference
        }
    if notice is not None:
        return _(
            "Có dự thảo thông báo kiến nghị gửi nơi nhận này, trong đó có kiến nghị này: hãy xóa dự thảo đó trước, rồi "
            "soạn lại sau khi rút."
        )
    report = documents.filter(kind=DocumentKind.REPORT, status=DocumentStatus.ISSUED).first()
    if report is not None:
        return _("Báo cáo kết quả giám sát số %(reference)s đã ban hành có kiến nghị này nên không rút được.") % {
            "reference": report.reference
        }
    return None


def do_withdraw_recommendation(rec: Recommendation, *, acting_user, reason: str) -> None:
    """The supervising side takes back a recommendation made by mistake (twice, or to the wrong body) before its
    addressee has answered: the row goes, the audit trail keeps its text, addressee and the reason."""
    reason = _tidy_text(reason)
    if not reason:
        raise ValidationError({"reason": _("Hãy ghi lý do rút kiến nghị.")})
    with transaction.atomic():
        _require(Recommendation.objects.restrict(acting_user, "change"), rec.pk)
        rec = Recommendation.objects.select_for_update().select_related("addressee", "supervision").get(pk=rec.pk)
        if (refused := withdraw_refused(rec)) is not None:
            raise FollowUpError(refused)
        # Recorded on the supervision, whose history the users see: the recommendation's own goes with it.
        audit.record(
            acting_user,
            "recommendation.withdraw",
            rec.supervision,
            {"item": rec.item, "addressee": str(rec.addressee), "text": rec.text[:500], "reason": reason},
        )
        rec.delete()


def can_respond(user, rec: Recommendation) -> bool:
    return Recommendation.objects.restrict(user, "respond").filter(pk=rec.pk).exists()


def do_respond(rec: Recommendation, *, acting_user, text: str, status: str, reason: str = "", files=()) -> Response:
    """The addressee's answer. `files` are uploads already checked by core.uploads.check_upload (the form does
    it), as (uploaded_file, kind) pairs."""
    if not can_respond(acting_user, rec):
        raise Http404
    errors = {}
    if not text.strip():
        errors["text"] = _("Hãy ghi nội dung trả lời.")
    if status not in ANSWER_STATUSES:
        errors["status"] = _("Chọn kết quả thực hiện.")
    if status == RecommendationStatus.NOT_ACCEPTED and not reason.strip():
        errors["reason"] = _("Không tiếp thu thì phải nêu lý do.")
    if errors:
        raise ValidationError(errors)
    with removed_on_failure() as written, transaction.atomic():
        rec = Recommendation.objects.select_for_update().get(pk=rec.pk)
        if rec.verified:
            raise FollowUpError(_("Cơ quan giám sát đã xác nhận kết quả kiến nghị này; không trả lời thêm được."))
        response = Response.objects.create(
            recommendation=rec, text=text, status=status, reason=reason, responded_by=acting_user
        )
        for uploaded, kind in files:
            evidence = Evidence.objects.create(
                response=response,
                file=uploaded,
                name=unicodedata.normalize("NFC", uploaded.name)[:255],  # macOS and some phones send NFD
                kind=kind,
                size=uploaded.size,
            )
            written.append(evidence.file)
        was = rec.status
        rec.status = status
        rec.not_accepted_reason = reason if status == RecommendationStatus.NOT_ACCEPTED else ""
        rec.save(update_fields=["status", "not_accepted_reason"])
        audit.record(
            acting_user,
            "recommendation.respond",
            rec,
            {"status": [was, status], "files": [f.name for f, _kind in files], "reason": reason},
        )
    return response


def do_verify(rec: Recommendation, *, acting_user, confirm: bool, note: str = "") -> Recommendation:
    """The supervising side checks a final answer: confirms it, or reopens it (back to in progress)."""
    _require(Recommendation.objects.restrict(acting_user, "verify"), rec.pk)
    with transaction.atomic():
        rec = Recommendation.objects.select_for_update().get(pk=rec.pk)
        if rec.status not in FINAL_STATUSES:
            raise FollowUpError(_("Chỉ xác nhận được khi đơn vị đã báo cáo kết quả thực hiện."))
        if rec.verified:
            raise FollowUpError(_("Kiến nghị này đã được xác nhận."))
        if not confirm and not note.strip():
            raise ValidationError({"note": _("Hãy ghi lý do yêu cầu tiếp tục thực hiện.")})
        was, due_was = rec.status, rec.due_on
        if confirm:
            rec.verified_at = timezone.now()
            rec.verified_by = acting_user
        else:
            rec.status = RecommendationStatus.IN_PROGRESS
            # A new period to answer, counted from today as the first was from the day it was made: kept, the old
            # deadline marked the reopened recommendation overdue at once, with no way to set another.
            rec.due_on = due_date(timezone.localdate(), rec.supervision.response_days)
            rec.reminded_before_on = rec.reminded_after_on = None
        rec.verification_note = note
        rec.save(
            update_fields=[
                "verified_at",
                "verified_by",
                "verification_note",
                "status",
                "due_on",
                "reminded_before_on",
                "reminded_after_on",
            ]
        )
        changes = {"status": [was, rec.status], "note": note}
        if rec.due_on != due_was:
            changes["due_on"] = [str(due_was), str(rec.due_on)]
        audit.record(acting_user, "recommendation.verify" if confirm else "recommendation.reopen", rec, changes)
    return rec
