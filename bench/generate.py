"""The synthetic national data set: every current province has a plan 2021–2030 with 60 indicators; the legacy
communes of the provinces merged into it report quarterly from 2021 to the second quarter of 2025, and its
current communes from the third quarter of 2025 to 2030; every commune has yearly targets; and child-protection
cases are spread over the current communes.

At scale 1 that is the 10,051 legacy and 3,321 current communes of the official lists (imported first), about
254,000 reports with 15.2 million indicator values, 4.2 million targets and one million cases. A smaller scale
keeps whole provinces (current provinces in code order, always including the benchmarked one, the current
province with the most legacy communes) until that share of the legacy communes is reached, so a province's own
data is the same at every scale and only the rest of the country shrinks.

Rows are written in bulk: executemany on the raw sqlite3 connection, COPY on PostgreSQL, with explicit ids.
"""

import datetime
import random
from dataclasses import dataclass

from common import Progress, say

YEARS = range(2021, 2031)
LAST_LEGACY_QUARTER = (2025, 2)
INDICATORS = 60
BATCH = 20_000


@dataclass
class Spec:
    kind: str
    direction: str = "increase"
    time: str = "sum"
    units: str = "sum"
    base: int = 10
    baseline: int | None = None


def indicator_specs() -> list[Spec]:
    specs = []
    for i in range(INDICATORS):
        if i < 36:
            specs.append(Spec("count", base=3 + i % 18))
        elif i < 48:
            specs.append(Spec("ratio", units="ratio"))
        elif i < 54:
            specs.append(Spec("count", direction="decrease", base=4, baseline=40))
        elif i < 58:
            specs.append(Spec("amount", base=25_000_000))
        else:
            specs.append(Spec("count", time="latest", base=5 + i % 5))
    return specs


def quarters():
    for year in YEARS:
        for q in (1, 2, 3, 4):
            start = datetime.date(year, 3 * q - 2, 1)
            end = (
                datetime.date(year, 3 * q + 1, 1) - datetime.timedelta(days=1) if q < 4 else datetime.date(year, 12, 31)
            )
            yield year, q, start, end


class Writer:
    """Bulk rows into a table, with the fastest path each database has."""

    def __init__(self, vendor: str):
        from django.db import connection

        connection.ensure_connection()
        self.vendor = vendor
        self.raw = connection.connection

    def columns_of(self, model) -> list[str]:
        return [f.column for f in model._meta.concrete_fields]

    def insert(self, model, columns: list[str], rows, total: int, label: str) -> int:
        from django.db import connection

        missing = [f for f in model._meta.concrete_fields if f.column not in columns]
        unknown = set(columns) - set(self.columns_of(model))
        needed = [f.column for f in missing if not (f.null or f.has_default() or f.empty_strings_allowed)]
        if unknown or needed:
            raise SystemExit(f"{model._meta.db_table}: the generator misses {needed} or writes unknown {unknown}")
        if missing:  # columns the generator leaves to their default
            extra = tuple(f.get_db_prep_save(f.get_default(), connection) for f in missing)
            columns = [*columns, *(f.column for f in missing)]
            rows = (row + extra for row in rows)
        table = model._meta.db_table
        progress = Progress(label, total)
        written = 0
        if self.vendor == "sqlite":
            marks = ", ".join("?" * len(columns))
            sql = f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({marks})'  # noqa: S608 - our own table names
            batch = []
            self.raw.execute("BEGIN")
            for row in rows:
                batch.append(row)
                if len(batch) >= BATCH:
                    self.raw.executemany(sql, batch)
                    written += len(batch)
                    progress.add(len(batch))
                    batch = []
                    if written % (50 * BATCH) == 0:
                        self.raw.execute("COMMIT")
                        self.raw.execute("BEGIN")
            if batch:
                self.raw.executemany(sql, batch)
                written += len(batch)
                progress.add(len(batch))
            self.raw.execute("COMMIT")
        else:
            with self.raw.cursor() as cursor:
                with cursor.copy(f'COPY "{table}" ({", ".join(columns)}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row(row)
                        written += 1
                        if written % BATCH == 0:
                            progress.add(BATCH)
                progress.add(written % BATCH)
            self.raw.commit()
        return written

    def day(self, value: datetime.date):
        return value.isoformat() if self.vendor == "sqlite" else value

    def moment(self, value: datetime.datetime):
        if self.vendor == "sqlite":
            return value.astimezone(datetime.UTC).replace(tzinfo=None).isoformat(" ")
        return value

    def next_id(self, model) -> int:
        from django.db.models import Max

        return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1

    def reset_sequences(self, models) -> None:
        from django.core.management.color import no_style
        from django.db import connection

        statements = connection.ops.sequence_reset_sql(no_style(), models)
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def choose_provinces(scale: float):
    """Current provinces to fill: the benchmarked one first, then in code order up to `scale` of the legacy
    communes. Returns [(current province, [legacy communes], [current communes])] and the benchmarked one."""
    from giamsat.units.models import Unit, UnitSuccession

    provinces = list(Unit.objects.filter(structure="current", level=1).order_by("code"))
    # Each legacy commune belongs to the current province of its (first) new commune.
    home: dict[int, int] = {}
    for old, new_province in (
        UnitSuccession.objects.filter(predecessor__level=3, predecessor__structure="legacy")
        .order_by("predecessor_id", "successor__code")
        .values_list("predecessor_id", "successor__province_id")
    ):
        home.setdefault(old, new_province)
    # A legacy commune missing from the conversion table goes with its legacy province's (first) new province.
    province_home: dict[int, int] = {}
    for old, new in (
        UnitSuccession.objects.filter(predecessor__level=1, predecessor__structure="legacy")
        .order_by("predecessor_id", "successor__code")
        .values_list("predecessor_id", "successor_id")
    ):
        province_home.setdefault(old, new)
    legacy_of: dict[int, list] = {p.pk: [] for p in provinces}
    for commune in Unit.objects.filter(structure="legacy", level=3).order_by("code"):
        target = home.get(commune.pk) or province_home.get(commune.province_id)
        if target in legacy_of:
            legacy_of[target].append(commune)
    total = sum(len(v) for v in legacy_of.values())
    benchmarked = max(provinces, key=lambda p: len(legacy_of[p.pk]))
    chosen, count = [benchmarked], len(legacy_of[benchmarked.pk])
    for province in provinces:
        if count >= scale * total - 1e-9:
            break
        if province != benchmarked:
            chosen.append(province)
            count += len(legacy_of[province.pk])
    result = []
    for province in chosen:
        current = list(Unit.objects.filter(structure="current", level=3, province=province).order_by("code"))
        result.append((province, legacy_of[province.pk], current))
    say(f"  {len(chosen)} of {len(provinces)} current provinces, {count:,} of {total:,} legacy communes")
    return result, benchmarked


def generate(vendor: str, scale: float, cases: int, seed: int = 2025) -> dict:
    from django.core.management import call_command
    from django.db import connection

    from giamsat.accounts.models import User
    from giamsat.accounts.roles import Role
    from giamsat.plans.models import Indicator, Plan, Programme, Target
    from giamsat.reporting.models import IndicatorValue, Report, ReportRequest, Schedule
    from giamsat.units.choices import OrganisationKind
    from giamsat.units.models import Organisation, Unit

    say("migrate")
    call_command("migrate", verbosity=0)
    if not Unit.objects.exists():
        from giamsat.units.importer import import_units

        say("import the official units (giamsat units import)")
        import_units()
    if Plan.objects.filter(reference__endswith="/KH-BENCH").exists():
        raise SystemExit("this database already has the benchmark data; use a new one")
    if vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size=-1000000")
            cursor.execute("PRAGMA synchronous=OFF")
    rng = random.Random(seed)  # noqa: S311 - repeatable synthetic data, not secrets
    w = Writer(vendor)
    chosen, benchmarked = choose_provinces(scale)
    specs = indicator_specs()
    programme, _created = Programme.objects.get_or_create(name="Chương trình thử tải (bench)")
    plans = {}
    say("plans, indicators, users")
    for number, (province, _legacy, _current) in enumerate(chosen, start=1):
        issuer, _created = Organisation.objects.get_or_create(
            unit=province,
            name=f"Ủy ban nhân dân {province.name} (bench)",
            defaults={"abbreviation": "UBND", "kind": OrganisationKind.PEOPLES_COMMITTEE},
        )
        plan = Plan.objects.create(
            reference=f"{number}/KH-BENCH",
            issuer=issuer,
            issued_on=datetime.date(2021, 1, 15),
            title=f"Kế hoạch thử tải {province.name} 2021 - 2030",
            programme=programme,
            first_year=2021,
            last_year=2030,
            status="in_force",
            illustrative=True,
        )
        Indicator.objects.bulk_create(
            Indicator(
                plan=plan,
                order=i + 1,
                code=f"B{i + 1:02d}",
                name=f"Chỉ tiêu thử {i + 1}",
                measure="%" if s.kind == "ratio" else "VND" if s.kind == "amount" else "người",
                kind=s.kind,
                direction=s.direction,
                time_aggregation=s.time,
                unit_aggregation=s.units,
                baseline_value=s.baseline,
            )
            for i, s in enumerate(specs)
        )
        schedule = Schedule.objects.create(
            plan=plan, title="Báo cáo quý của các xã", frequency="quarter", first_year=2021, last_year=2030, due_days=15
        )
        plans[province.pk] = (plan, list(plan.indicators.order_by("order").values_list("pk", flat=True)), schedule)
        User.objects.get_or_create(
            username=f"bench_{province.code}",
            defaults={"role": Role.PROVINCE_OFFICER, "unit": province, "full_name": f"Bench {province.name}"},
        )

    # The reporting units and their periods.
    all_quarters = list(quarters())
    plan_units = []  # (province pk, commune, [quarters])
    for province, legacy, current in chosen:
        for commune in legacy:
            plan_units.append((province.pk, commune, [q for q in all_quarters if (q[0], q[1]) <= LAST_LEGACY_QUARTER]))
        for commune in current:
            plan_units.append((province.pk, commune, [q for q in all_quarters if (q[0], q[1]) > LAST_LEGACY_QUARTER]))
    n_requests = sum(len(qs) for _p, _c, qs in plan_units)
    size = {c.pk: rng.uniform(0.5, 1.5) for _p, c, _q in plan_units}
    first_request = w.next_id(ReportRequest)
    first_value = w.next_id(IndicatorValue)
    fates = []  # per request: "accepted", "submitted", or None (nothing sent)

    def request_rows():
        rid = first_request
        for province_pk, commune, qs in plan_units:
            schedule = plans[province_pk][2]
            for _year, _q, start, end in qs:
                roll = rng.random()
                fates.append("accepted" if roll < 0.96 else "submitted" if roll < 0.98 else None)
                yield (
                    rid,
                    schedule.pk,
                    commune.pk,
                    "quarter",
                    w.day(start),
                    w.day(end),
                    w.day(end + datetime.timedelta(days=15)),
                    None,
                    None,
                )
                rid += 1

    request_columns = [
        "id",
        "schedule_id",
        "unit_id",
        "period_kind",
        "period_start",
        "period_end",
        "due_on",
        "reminded_before_on",
        "reminded_after_on",
    ]
    w.insert(ReportRequest, request_columns, request_rows(), n_requests, "requests")

    tz = datetime.timezone(datetime.timedelta(hours=7))

    def report_rows():
        rid = first_request
        index = 0
        for _province_pk, _commune, qs in plan_units:
            for _year, _q, _start, end in qs:
                fate = fates[index]
                if fate is not None:
                    due = end + datetime.timedelta(days=15)
                    sent = datetime.datetime.combine(due, datetime.time(9), tz) + datetime.timedelta(
                        days=rng.choice((-10, -5, -2, -1, 0, 0, 3, 20))
                    )
                    reviewed = sent + datetime.timedelta(days=5) if fate == "accepted" else None
                    yield (
                        rid,
                        rid,
                        1,
                        fate,
                        "",
                        "",
                        "",
                        "",
                        0,
                        w.moment(sent),
                        w.moment(sent),
                        None,
                        w.moment(sent),
                        None,
                        w.moment(reviewed) if reviewed else None,
                        None,
                        "",
                    )
                rid += 1
                index += 1

    report_columns = [
        "id",
        "request_id",
        "version",
        "status",
        "results",
        "limitations",
        "causes",
        "proposals",
        "revision",
        "created_at",
        "updated_at",
        "updated_by_id",
        "submitted_at",
        "submitted_by_id",
        "reviewed_at",
        "reviewed_by_id",
        "review_comment",
    ]
    n_reports = sum(1 for f in fates if f)
    w.insert(Report, report_columns, report_rows(), n_reports, "reports")

    def value_rows():
        vid = first_value
        rid = first_request
        index = 0
        rand = rng.random
        for province_pk, commune, qs in plan_units:
            indicator_ids = plans[province_pk][1]
            factor = size[commune.pk]
            for _year, _q, _start, _end in qs:
                if fates[index] is not None:
                    for spec, indicator_id in zip(specs, indicator_ids, strict=True):
                        value = numerator = denominator = None
                        if spec.kind == "ratio":
                            denominator = int(50 + 450 * factor * rand())
                            numerator = int(denominator * (0.7 + 0.3 * rand()))
                        elif spec.kind == "amount":
                            value = int(spec.base * factor * (0.4 + 0.8 * rand()) // 1000 * 1000)
                        elif spec.direction == "decrease":
                            value = int(8 * rand())
                        else:
                            value = int(spec.base * factor * (0.6 + 0.6 * rand()))
                        yield (vid, rid, indicator_id, "", value, numerator, denominator, "", "")
                        vid += 1
                rid += 1
                index += 1

    value_columns = [
        "id",
        "report_id",
        "indicator_id",
        "breakdown",
        "value",
        "numerator",
        "denominator",
        "source",
        "comment",
    ]
    w.insert(IndicatorValue, value_columns, value_rows(), n_reports * INDICATORS, "values")

    # Yearly targets of every commune, and the province's (the communes' sum; the same rate for ratios).
    first_target = w.next_id(Target)

    def target_rows():
        tid = first_target
        province_sums: dict[tuple[int, int, int], float] = {}
        for province_pk, commune, qs in plan_units:
            indicator_ids = plans[province_pk][1]
            factor = size[commune.pk]
            for year in sorted({q[0] for q in qs}):
                for spec, indicator_id in zip(specs, indicator_ids, strict=True):
                    if spec.kind == "ratio":
                        value = 90
                    elif spec.kind == "amount":
                        value = int(4 * spec.base * factor // 1_000_000 * 1_000_000)
                    elif spec.direction == "decrease":
                        value = 12  # from a baseline of 40 (below)
                    elif spec.time == "latest":
                        value = int(spec.base * factor * 0.9)
                    else:
                        value = int(4 * spec.base * factor * 0.9)
                    baseline = spec.baseline
                    yield (
                        tid,
                        indicator_id,
                        commune.pk,
                        "year",
                        w.day(datetime.date(year, 1, 1)),
                        w.day(datetime.date(year, 12, 31)),
                        value,
                        baseline,
                    )
                    tid += 1
                    legacy = commune.structure == "legacy"
                    if (year < 2025) == legacy or year == 2025 and not legacy:
                        key = (province_pk, indicator_id, year)
                        old_value, old_base = province_sums.get(key, (0, None))
                        if spec.kind == "ratio":
                            province_sums[key] = (value, None)
                        else:
                            province_sums[key] = (
                                old_value + value,
                                None if baseline is None else (old_base or 0) + baseline,
                            )
        province_of = {p.pk: p for p, _l, _c in chosen}
        for (province_pk, indicator_id, year), (value, baseline) in province_sums.items():
            yield (
                tid,
                indicator_id,
                province_of[province_pk].pk,
                "year",
                w.day(datetime.date(year, 1, 1)),
                w.day(datetime.date(year, 12, 31)),
                value,
                baseline,
            )
            tid += 1

    n_targets = sum(len({q[0] for q in qs}) for _p, _c, qs in plan_units) * INDICATORS
    target_columns = [
        "id",
        "indicator_id",
        "unit_id",
        "period_kind",
        "period_start",
        "period_end",
        "value",
        "baseline_value",
    ]
    w.insert(Target, target_columns, target_rows(), n_targets, "targets")

    made_cases = generate_cases(w, rng, [c for _p, _l, current in chosen for c in current], cases) if cases else 0
    w.reset_sequences([ReportRequest, Report, IndicatorValue, Target])
    say("analyze")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "scale": scale,
        "provinces": len(chosen),
        "legacy_communes": sum(len(old) for _p, old, _c in chosen),
        "current_communes": sum(len(c) for _p, _l, c in chosen),
        "requests": n_requests,
        "reports": n_reports,
        "values": n_reports * INDICATORS,
        "targets": n_targets,
        "cases": made_cases,
        "benchmarked_province": benchmarked.code,
    }


# fmt: off
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
          "Dương", "Lý"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quang", "Thu", "Gia", "Bảo", "Khánh"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hòa", "Hùng", "Hương", "Khang", "Lan",
         "Linh", "Long", "Mai", "Minh", "My", "Nam", "Ngân", "Nhi", "Phúc", "Quân", "Quỳnh", "Sơn", "Tâm", "Thảo",
         "Trang", "Tú", "Vy", "Yến"]
# fmt: on


def case_name(rng) -> str:
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def generate_cases(w: Writer, rng, communes, total: int) -> int:
    """Cases written in bulk like the rest. Names are drawn from a few thousand combinations; each is encrypted
    once (Fernet) and its keyed search hash computed once, then reused: the rows look like real ones to every
    query, which never reads a token's randomness."""
    from django.utils import timezone

    from giamsat.cases.choices import OPEN_STATUSES, CaseStatus, Channel, Sex
    from giamsat.cases.crypto import encrypt, name_hash
    from giamsat.cases.models import Case

    statuses = [s.value for s in CaseStatus]
    channels = [c.value for c in Channel]
    open_statuses = {str(s) for s in OPEN_STATUSES}
    now = timezone.now()
    tokens: dict[str, tuple[str, str]] = {}
    first = w.next_id(Case)
    numbers: dict[int, int] = {}

    def rows():
        for index in range(total):
            received = datetime.datetime(2021, 1, 1, tzinfo=datetime.UTC) + datetime.timedelta(
                minutes=rng.randrange(0, 5 * 365 * 24 * 60)
            )
            year = received.year
            numbers[year] = numbers.get(year, 0) + 1
            status = rng.choice(statuses)
            name = case_name(rng)
            if name not in tokens:
                tokens[name] = (encrypt(name), name_hash(name))
            token, digest = tokens[name]
            due = now + datetime.timedelta(hours=rng.randrange(-200, 400)) if status in open_statuses else None
            yield (
                first + index,
                year,
                numbers[year],
                status,
                rng.choice(channels),
                w.moment(received),
                w.moment(received),
                w.moment(received),
                token,
                digest,
                year - rng.randrange(0, 16),
                rng.randrange(0, 16),
                rng.choice((Sex.MALE.value, Sex.FEMALE.value)),
                rng.choice(communes).pk,
                w.moment(due) if due else None,
                True,
                w.moment(received),
            )

    columns = ["id", "year", "number", "status", "channel", "received_at", "recorded_at", "cycle_started_at"]
    columns += ["child_name", "child_name_hash", "birth_year", "age_years", "sex", "commune_id", "next_due_at"]
    columns += ["received_by_commune", "forwarded_at"]
    made = w.insert(Case, columns, rows(), total, "cases")
    w.reset_sequences([Case])
    return made
