from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.dispatch import Signal
from django.utils.translation import gettext_lazy as _

from .querysets import ScopedQuerySet
from .workdays import WorkCalendar


class AuditQuerySet(ScopedQuerySet):
    permission_prefix = "audit"

    def scope(self, user, action):
        return Q(actor=user)


class AuditEntry(models.Model):
    """Who did what to which row, written in the same transaction as the change (core.audit.record)."""

    at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept as text so the entry still says who it was after the account is gone.
    actor_name = models.CharField(_("tên đăng nhập"), max_length=150, blank=True)
    action = models.CharField(_("thao tác"), max_length=40, db_index=True)
    # Indexed as the first column of the (content type, object) index below.
    content_type = models.ForeignKey(
        ContentType,
        verbose_name=_("loại đối tượng"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        db_index=False,
    )
    object_id = models.CharField(_("mã đối tượng"), max_length=64, blank=True)
    object_repr = models.CharField(_("đối tượng"), max_length=300, blank=True)
    changes = models.JSONField(_("thay đổi"), default=dict, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("nhật ký thao tác")
        verbose_name_plural = _("nhật ký thao tác")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"{self.at:%d/%m/%Y %H:%M} {self.actor_name} {self.action} {self.object_repr}"


# Sent by the admin after a CalendarDay is added, changed or deleted; the apps that store due times computed from
# the calendar recompute them and return a message for the administrator (or None).
calendar_changed = Signal()


class CalendarDayKind(models.TextChoices):
    DAY_OFF = "day_off", _("Ngày nghỉ thêm")
    MAKE_UP = "make_up", _("Ngày làm bù")


class CalendarDay(models.Model):
    """A day the government moved: an extra day off (e.g. bridging Tết) or a Saturday worked to make up for it.
    Public holidays themselves come from the holidays library (core/workdays.py)."""

    day = models.DateField(_("ngày"), unique=True)
    kind = models.CharField(_("loại"), max_length=10, choices=CalendarDayKind.choices)
    note = models.CharField(_("căn cứ, ghi chú"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("ngày nghỉ, làm bù")
        verbose_name_plural = _("ngày nghỉ, làm bù")
        ordering = ["day"]

    def __str__(self):
        return f"{self.day:%d/%m/%Y} {self.get_kind_display()}"


def work_calendar():
    """The working-day calendar with the days an administrator entered."""
    rows = list(CalendarDay.objects.values_list("day", "kind"))
    return WorkCalendar.of(
        [d for d, k in rows if k == CalendarDayKind.DAY_OFF], [d for d, k in rows if k == CalendarDayKind.MAKE_UP]
    )


class SentForm(models.Model):
    """A form's one-time token, kept with the save it made (core.once): the same form sent again (a second tap on a
    slow link, Back and send) is not saved twice."""

    # Indexed as the first column of the unique constraint below.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    token = models.CharField(max_length=43)
    at = models.DateTimeField(auto_now_add=True)
    # The address the form was sent to: a token answers as "already sent" only there.
    path = models.CharField(max_length=500)
    # Where the first save led: the repeat goes there too.
    url = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "token", "path"], name="core_sentform_once")]

    def __str__(self):
        return f"{self.at:%d/%m/%Y %H:%M} {self.url}"
