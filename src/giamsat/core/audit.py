"""The audit trail. Service functions call `record` inside their transaction, so a change and its entry
are saved together or not at all."""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.translation import gettext_lazy

from .models import AuditEntry

# What each action code means to a reader of the history; each capability adds its own (see reporting/services).
LABELS: dict[str, str] = {}

# The keys of a change that are no field of the changed model (those are named by their field's verbose name).
KEY_LABELS = {
    "basis": gettext_lazy("Căn cứ"),
    "by_receiver": gettext_lazy("Bên nhận trả lời"),
    "by_version": gettext_lazy("Thay bằng lần"),
    "cells": gettext_lazy("Các ô đã sửa"),
    "comment": gettext_lazy("Ý kiến"),
    "commune": gettext_lazy("Xã, phường"),
    "count": gettext_lazy("Số lượng"),
    "consent": gettext_lazy("Sự đồng ý"),
    "cycle": gettext_lazy("Lượt xử lý"),
    "days": gettext_lazy("Số ngày"),
    "files": gettext_lazy("Tệp đính kèm"),
    "from_version": gettext_lazy("Từ lần"),
    "indicators_changed": gettext_lazy("Chỉ tiêu đã sửa"),
    "kind": gettext_lazy("Loại"),
    "member": gettext_lazy("Thành viên"),
    "outcome": gettext_lazy("Kết quả"),
    "period": gettext_lazy("Kỳ"),
    "reason": gettext_lazy("Lý do"),
    "referral": gettext_lazy("Chuyển gửi"),
    "sections": gettext_lazy("Các phần đã sửa"),
    "step": gettext_lazy("Bước"),
    "text": gettext_lazy("Nội dung"),
    "to": gettext_lazy("Gửi đến"),
    "tokens_revoked": gettext_lazy("Mã truy cập đã thu hồi"),
    "user": gettext_lazy("Người dùng"),
    "users_created": gettext_lazy("Người dùng đã tạo"),
    "valid": gettext_lazy("Còn hiệu lực"),
    "workers": gettext_lazy("Cán bộ được giao"),
}


def label(action: str) -> str:
    return str(LABELS.get(action, action))


def record(actor, action: str, obj=None, changes: dict | None = None) -> AuditEntry:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must run inside the transaction of the change it records")
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        actor_name=getattr(actor, "username", "") or "",
        action=action,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:300] if obj is not None else "",
        changes=changes or {},
    )


def diff(before: dict, after: dict) -> dict:
    """{'field': [old, new]} for the fields whose value changed; values as JSON-safe text."""
    return {
        key: [_plain(before.get(key)), _plain(after.get(key))] for key in after if before.get(key) != after.get(key)
    }


def _plain(value):
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
