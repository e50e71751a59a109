"""The database schema as migrations leave it, on SQLite and PostgreSQL."""

import pytest
from django.apps import apps
from django.db import connection

pytestmark = pytest.mark.django_db


def _indexes(table: str) -> dict[str, tuple[list[str], bool]]:
    """Every index of a table (unique ones included): name -> (columns in order, unique)."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return {
        name: (info["columns"], info["unique"])
        for name, info in constraints.items()
        if (info["index"] or info["unique"]) and not info["primary_key"] and info["columns"]
    }


# Kept on purpose, with the reason (the model says more).
KEPT = {
    # SQLite sums a province's values through it; with only the unique cell it builds a temporary index instead.
    ("reporting_indicatorvalue", ("report_id",)),
}


def test_no_index_is_the_first_columns_of_another():
    """An index on (a) beside an index on (a, b) finds no row the other cannot, yet every insert writes it: on
    the values table the indicator's index took 60 scattered writes for each saved report. Django gives every
    foreign key its own index, so each key that leads another index says db_index=False, unless KEPT says why."""
    ours = [
        model
        for model in apps.get_models()
        if model.__module__.startswith("giamsat.") and not model._meta.auto_created and model._meta.managed
    ]
    assert len(ours) > 20
    redundant = []
    for model in ours:
        table = model._meta.db_table
        indexes = _indexes(table)
        for name, (columns, unique) in indexes.items():
            if unique or (table, tuple(columns)) in KEPT:
                continue
            wider = [
                other
                for other, (other_columns, _unique) in indexes.items()
                if len(other_columns) > len(columns) and other_columns[: len(columns)] == columns
            ]
            if wider:
                redundant.append(f"{table}.{name} {columns} (covered by {wider[0]})")
    assert redundant == [], "\n".join(redundant)
