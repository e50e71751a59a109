"""Pages meant for paper, printed by Chromium to A4: the supervision's one-page overview of the demo's largest
supervision (ten working sessions, a dozen addressees) keeps to one sheet, without its buttons."""

import re

import pytest
from django.db.models import Count

pytestmark = pytest.mark.browser


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


def test_the_supervision_overview_prints_on_one_a4_sheet(logged_in, live_server):
    from giamsat.supervision.models import Supervision

    largest = Supervision.objects.annotate(n=Count("sessions")).order_by("-n").first()
    assert largest.n >= 10
    page = logged_in(username="giamsat")
    page.goto(f"{live_server.url}/supervision/{largest.pk}/overview/")
    button = page.get_by_role("button", name="In trang này")
    assert button.is_visible()
    page.emulate_media(media="print")
    assert button.is_hidden()
    assert page.get_by_role("heading", level=1).is_visible()
    assert _pages(page.pdf(format="A4", prefer_css_page_size=True)) == 1
