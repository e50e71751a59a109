"""Key rotation: every encrypted value re-encrypted with the newest data key (MultiFernet.rotate), and the name
search hashes recomputed under it. Reads the stored tokens as they are (no decryption into Python objects), in
batches, one transaction per batch; running it twice is harmless."""

from django.apps import apps
from django.db import transaction

from .crypto import EncryptedTextField, name_hash, rotate

BATCH = 500


def encrypted_fields(model) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]


def rotate_all(progress=lambda _m: None) -> dict[str, int]:
    counts = {}
    for model in apps.get_app_config("cases").get_models():
        fields = encrypted_fields(model)
        if not fields:
            continue
        table = model._meta.label
        done = 0
        pks = list(model.objects.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(pks), BATCH):
            with transaction.atomic():
                # The raw tokens: .values() would decrypt through the field; the underlying column is plain text.
                from django.db import connection

                columns = ", ".join(connection.ops.quote_name(model._meta.get_field(f).column) for f in fields)
                chunk = pks[start : start + BATCH]
                placeholders = ", ".join(["%s"] * len(chunk))
                pk_column = connection.ops.quote_name(model._meta.pk.column)
                with connection.cursor() as cursor:
                    cursor.execute(
                        f"SELECT {pk_column}, {columns} FROM {connection.ops.quote_name(model._meta.db_table)} "  # noqa: S608
                        f"WHERE {pk_column} IN ({placeholders})",
                        chunk,
                    )
                    rows = cursor.fetchall()
                    for pk, *tokens in rows:
                        new = [rotate(t) if t else t for t in tokens]
                        assignments = ", ".join(
                            f"{connection.ops.quote_name(model._meta.get_field(f).column)} = %s" for f in fields
                        )
                        cursor.execute(
                            f"UPDATE {connection.ops.quote_name(model._meta.db_table)} SET {assignments} "  # noqa: S608
                            f"WHERE {pk_column} = %s",
                            [*new, pk],
                        )
                        done += 1
                if model._meta.model_name == "case":
                    for case in model.objects.filter(pk__in=chunk).exclude(child_name=""):
                        model.objects.filter(pk=case.pk).update(child_name_hash=name_hash(case.child_name))
        counts[table] = done
        progress(f"{table}: {done}")
    return counts
