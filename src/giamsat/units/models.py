import datetime

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from giamsat.core.params import as_id
from giamsat.core.querysets import ScopedQuerySet, within_units
from giamsat.core.text import fold

from .choices import Level, OrganisationKind, Structure, UnitType

REFORM_DATE = datetime.date(2025, 7, 1)


class UnitQuerySet(ScopedQuerySet):
    permission_prefix = "units"

    def scope(self, user, action):
        # Ancestors stay visible so a commune worker can see where the commune sits.
        return within_units(user.jurisdiction, with_ancestors=True)

    def valid_on(self, day: datetime.date):
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        )

    def search(self, text: str):
        key = fold(text)
        if not key:
            return self.none()
        if (code := as_id(key)) is not None:
            return self.filter(code=code)
        return self.filter(name_folded__contains=key)

    def subtree_of(self, unit):
        return self.filter(Q(pk=unit.pk) | Q(parent=unit) | Q(province=unit))


class Unit(models.Model):
    """An administrative unit of one official list, with the dates it was valid."""

    structure = models.CharField(_("danh mục"), max_length=16, choices=Structure.choices)
    code = models.PositiveIntegerField(_("mã"))
    name = models.CharField(_("tên"), max_length=120)
    name_folded = models.CharField(max_length=120, db_index=True, editable=False)
    type = models.CharField(_("loại"), max_length=16, choices=UnitType.choices)
    level = models.PositiveSmallIntegerField(_("cấp"), choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("trực thuộc"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # The province above a commune or district, kept so a whole subtree is one indexed filter.
    province = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        ordering = ["structure", "code"]
        constraints = [
            models.UniqueConstraint(fields=["structure", "level", "code"], name="unit_unique_code"),
        ]
        indexes = [models.Index(fields=["level", "valid_to", "valid_from"])]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name_folded = fold(self.name)
        if self.parent_id is None:
            self.province = None
        else:
            self.province = self.parent if self.parent.level == Level.PROVINCE else self.parent.province
        super().save(*args, **kwargs)

    @property
    def is_legacy(self) -> bool:
        return self.valid_to is not None and self.valid_to < REFORM_DATE

    def ancestors(self) -> list["Unit"]:
        chain, node = [], self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain[::-1]

    def is_valid_on(self, day: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)


class UnitSuccession(models.Model):
    """Old unit -> new unit from the official conversion table. `partly` marks an old unit whose area was
    split among several new ones, so only part of its data belongs to this successor."""

    # Indexed as the first column of unit_succession_unique.
    predecessor = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="successions", db_index=False)
    successor = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="predecessions")
    partly = models.BooleanField(_("sáp nhập một phần"), default=False)
    effective = models.DateField(_("ngày hiệu lực"))

    class Meta:
        verbose_name = _("kế thừa đơn vị")
        verbose_name_plural = _("kế thừa đơn vị")
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="unit_succession_unique"),
        ]

    def __str__(self):
        return f"{self.predecessor} → {self.successor}"


class OrganisationQuerySet(ScopedQuerySet):
    permission_prefix = "units"

    def scope(self, user, action):
        return within_units(user.jurisdiction, path="unit__", with_ancestors=True)


class Organisation(models.Model):
    """A body attached to a unit: its People's Committee, a department, the Women's Union, a school..."""

    name = models.CharField(_("tên"), max_length=200)
    abbreviation = models.CharField(
        _("viết tắt"),
        max_length=30,
        help_text=_("Dùng trong số, ký hiệu văn bản, ví dụ UBND, HLHPN, SLĐTBXH."),
    )
    kind = models.CharField(_("loại"), max_length=20, choices=OrganisationKind.choices)
    # Indexed as the first column of organisation_unique_name.
    unit = models.ForeignKey(
        Unit, verbose_name=_("địa bàn"), on_delete=models.PROTECT, related_name="organisations", db_index=False
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("cơ quan chủ quản"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    valid_from = models.DateField(_("hoạt động từ"), null=True, blank=True)
    valid_to = models.DateField(_("hoạt động đến"), null=True, blank=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("cơ quan, tổ chức")
        verbose_name_plural = _("cơ quan, tổ chức")
        ordering = ["unit__code", "name"]
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="organisation_unique_name")]

    def __str__(self):
        return self.name
