"""The matrix and compliance cells are built in Python for speed: they must read exactly as the template markup
they replace."""

from decimal import Decimal

import pytest
from django.template import engines
from django.template.defaultfilters import floatformat
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from giamsat.dashboards.queries import Tally
from giamsat.dashboards.templatetags.dashboards_tags import tally
from giamsat.plans.choices import Direction
from giamsat.plans.models import Indicator
from giamsat.reporting.achievement import Ratio, Status
from giamsat.reporting.queries import Cell, ShownTarget
from giamsat.reporting.templatetags.achievement import matrix_cells, shown_number

# The markup of the two matrix rows' cells as it was written in the templates before `matrix_cells`, with the
# baseline of a "decrease" target and a rate with nothing to count (0/0) added since.
ACTUAL = '{% if cell.nothing_to_count %}0/0{% else %}{{ cell.actual_shown|floatformat:"-2g"|default:"–" }}{% endif %}'
ACTUAL_ALONE = (
    '{% if cell.nothing_to_count %}0/0{% else %}{{ cell.actual_shown|floatformat:"-2g"|default:"" }}{% endif %}'
)
BADGE = (
    '{% if cell.nothing_to_count %}<span class="status no_data" title="{% translate '
    '"Báo cáo có, nhưng không có trường hợp nào để tính tỷ lệ (0/0)" %}"><span aria-hidden="true">○</span> '
    '{% translate "Không phát sinh" %}</span>{% else %}{% status_badge cell.status %}{% endif %}'
)
BASELINE = (
    '{% if cell.baseline is not None %}<div class="muted" title="{% translate '
    '\'Giá trị cơ sở: chỉ tiêu giảm tính tỷ lệ đạt từ mức này\' %}">{% translate "cơ sở" %} '
    '{{ cell.baseline|floatformat:"-2g" }}</div>{% endif %}'
)
PLAN_CELLS = (
    "{% load i18n achievement %}{% for cell in cells %}<td>{% if cell.target %}<div>"
    f'{ACTUAL} / {{{{ cell.target.value|floatformat:"-2g" }}}}</div>'
    f"{BASELINE}"
    "{% if cell.percent is not None %}<div>"
    f'{{{{ cell.percent|floatformat:"-1g" }}}}%</div>{{% endif %}}{BADGE}{{% else %}}<span class="muted">'
    f"{ACTUAL_ALONE}</span>{{% endif %}}</td>{{% endfor %}}"
)
# Since, a cell without a target carries its hint itself (it may hold no figure to hover).
DASHBOARD_CELLS = (
    '{% load i18n achievement %}{% for cell in cells %}{% if cell.target %}<td class="cell-num"><div>'
    f'{ACTUAL} / {{{{ cell.target.value|floatformat:"-2g" }}}}</div>'
    f"{BASELINE}"
    '{% if cell.percent is not None %}<div class="pct">{{ cell.percent|floatformat:"-1g" }}%</div>{% endif %}'
    f'{BADGE}{{% if cell.problem %}} <span title="{{{{ cell.problem }}}}">⚠ '
    '{% translate "chỉ tiêu mâu thuẫn" %}</span>{% endif %}{% else %}<td class="cell-num" title="'
    '{% translate \'Không có chỉ tiêu cho kỳ này\' %}"><span class="muted">'
    f"{ACTUAL_ALONE}</span>{{% endif %}}</td>{{% endfor %}}"
)

numbers = st.one_of(
    st.integers(min_value=0, max_value=10**15),
    st.decimals(min_value=0, max_value=10**12, places=4, allow_nan=False, allow_infinity=False),
    st.decimals(min_value=0, max_value=1000, places=6, allow_nan=False, allow_infinity=False),
)


@pytest.mark.parametrize("language", ["vi", "en"])
@settings(max_examples=300, deadline=None)
@given(value=numbers, places=st.sampled_from([1, 2]))
def test_a_shown_number_reads_as_floatformat_shows_it(language, value, places):
    with translation.override(language):
        assert shown_number(value, places) == floatformat(value, f"-{places}g")


def test_numbers_outside_the_engines_range_go_to_floatformat_itself():
    assert shown_number(None, 2) == ""
    assert shown_number(Decimal("-1234.567"), 2) == floatformat(Decimal("-1234.567"), "-2g")
    assert shown_number(1.5, 2) == floatformat(1.5, "-2g")


def _target(value, baseline):
    return ShownTarget(value=value, baseline_value=baseline, period_kind="year", period_start=None, period_end=None)


indicators = st.builds(
    lambda direction, baseline: Indicator(direction=direction, baseline_value=baseline),
    direction=st.sampled_from(list(Direction)),
    baseline=st.one_of(st.none(), numbers),
)

cells = st.builds(
    lambda indicator, actual, target, achieved, status, problem: Cell(
        indicator=indicator, target=target, actual=actual, achieved=achieved, status=status, problem=problem
    ),
    indicator=indicators,
    actual=st.one_of(
        st.none(),
        numbers,
        st.builds(lambda d, n: Ratio(min(n, d), d), st.integers(0, 10_000), st.integers(0, 10_000)),
    ),
    target=st.one_of(st.none(), st.builds(_target, numbers, st.one_of(st.none(), numbers))),
    achieved=st.one_of(st.none(), st.decimals(min_value=0, max_value=5, places=6, allow_nan=False)),
    status=st.sampled_from(list(Status)),
    problem=st.sampled_from(["", 'chỉ tiêu giảm (5) cao hơn "mốc" <3>']),
)


@pytest.mark.parametrize("language", ["vi", "en"])
@settings(max_examples=150, deadline=None)
@given(row=st.lists(cells, max_size=6))
def test_the_cells_read_as_the_template_markup_did(language, row):
    django = engines["django"]
    with translation.override(language):
        assert matrix_cells(row) == django.from_string(PLAN_CELLS).render({"cells": row})
        assert matrix_cells(row, dashboard=True) == django.from_string(DASHBOARD_CELLS).render({"cells": row})


# The compliance cell as dashboards/_tally.html wrote it before the `tally` tag (a zero grey and the counts in words
# for screen readers since).
WORDS = (
    "{% load i18n %}{% blocktranslate with a=t.on_time b=t.late c=t.missing d=t.not_due %}{{ a }} đúng hạn, "
    "{{ b }} muộn, {{ c }} chưa nộp, {{ d }} chưa đến hạn{% endblocktranslate %}"
)
TALLY = (
    '{% load i18n %}{% if t.total %}<span class="tally" role="img" aria-label="{{ words }}" title="{{ words }}">'
    '<span class="{% if t.on_time %}ok{% else %}zero{% endif %}">✓{{ t.on_time }}</span> '
    '<span class="{% if t.late %}late{% else %}zero{% endif %}">!{{ t.late }}</span> '
    '<span class="{% if t.missing %}miss{% else %}zero{% endif %}">✗{{ t.missing }}</span>'
    '{% if t.not_due %} <span class="muted">…{{ t.not_due }}</span>'
    '{% endif %}</span>{% else %}<span class="muted">–</span>{% endif %}'
)
counts = st.integers(min_value=0, max_value=20_000)


@pytest.mark.parametrize("language", ["vi", "en"])
@settings(max_examples=150, deadline=None)
@given(on_time=counts, late=counts, missing=counts, not_due=counts, empty=st.booleans())
def test_a_compliance_cell_reads_as_the_template_markup_did(language, on_time, late, missing, not_due, empty):
    t = Tally() if empty else Tally(on_time, late, missing, not_due)
    with translation.override(language):
        words = engines["django"].from_string(WORDS).render({"t": t})
        assert tally(t) == engines["django"].from_string(TALLY).render({"t": t, "words": words})
