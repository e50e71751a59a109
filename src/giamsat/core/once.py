"""A form saves once, however often it is sent.

On a slow link a second tap, a reload of the answer or Back-and-send again posts the same form twice; without a
guard each post made its own recommendation, session or service. Every form page carries a one-time token
(`{% once_field %}`); the view saves inside `sent_once(request)`, which claims the token in the same transaction
as the save. A repeat finds the claim (on PostgreSQL it waits for the first post's transaction to end; SQLite
lets one writer in at a time) and is sent where the first save led, with a message. A save that fails rolls the
claim back with it, so the corrected form, sent with the same token, is saved.

Views take both halves: `@answers_repeats` sends a repeat on before its form is checked again (a second "Lập kế
hoạch" would otherwise be told that the plan's number is taken), and `sent_once` catches the repeat that arrives
while the first post is still being saved.

A post without a token (an older page still open, a script) is saved as before; the API has no such guard yet
(docs/architecture.md)."""

import datetime
import re
import secrets
from contextlib import contextmanager
from functools import wraps

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import SentForm
from .uploads import removed_on_failure

FIELD = "once"
TOKEN = re.compile(r"[A-Za-z0-9_-]{16,43}")
# Long enough for Back-and-send the next day; the rows are the sender's own and small.
KEPT = datetime.timedelta(days=7)


def token_for(request) -> str:
    """The token a form page carries: the one it was sent with (a form shown again with its errors keeps it: that
    save was rolled back), else a new one."""
    posted = request.POST.get(FIELD, "") if request.method == "POST" else ""
    return posted if TOKEN.fullmatch(posted) else secrets.token_urlsafe(16)


class AlreadySent(Exception):
    """This user's form with this token was saved before; `url` is where that save led ("" if unknown)."""

    def __init__(self, url: str):
        super().__init__(url)
        self.url = url


class Sent:
    """What the view tells the claim: where the save leads."""

    def __init__(self, claim: SentForm | None):
        self.claim = claim
        self.url = ""

    def leads_to(self, url: str) -> None:
        self.url = url
        if self.claim is not None:
            SentForm.objects.filter(pk=self.claim.pk).update(url=url[:500])


@contextmanager
def sent_once(request):
    """Run the block (the view's call of a service) at most once per form token, in one transaction with the
    claim. Raises AlreadySent for a repeat; call `sent.leads_to(url)` inside the block once saved."""
    token = request.POST.get(FIELD, "")
    if not TOKEN.fullmatch(token):
        yield Sent(None)
        return
    path = request.path[:500]
    # The service's own transaction is now a savepoint of this one: files it wrote are deleted if this one fails.
    with removed_on_failure(), transaction.atomic():
        try:
            with transaction.atomic():
                claim = SentForm.objects.create(user=request.user, token=token, path=path)
        except IntegrityError:
            earlier = SentForm.objects.filter(user=request.user, token=token, path=path)
            raise AlreadySent(earlier.values_list("url", flat=True).first() or "") from None
        SentForm.objects.filter(user=request.user, at__lt=timezone.now() - KEPT).delete()
        yield Sent(claim)


def _earlier(request) -> str | None:
    """Where the earlier save of this form led ("" if unknown), or None if the form was not saved before."""
    token = request.POST.get(FIELD, "")
    if not TOKEN.fullmatch(token) or not request.user.is_authenticated:
        return None
    # Only at the address it was sent to: elsewhere the view answers as it would (404 to who may not see it).
    earlier = SentForm.objects.filter(user=request.user, token=token, path=request.path[:500])
    return earlier.values_list("url", flat=True).first()


def answers_repeats(view):
    """A view whose form was saved before with this token answers as `already_sent` does, without checking the
    form again. Put it under login_required."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "POST" and (url := _earlier(request)) is not None:
            return already_sent(request, AlreadySent(url), request.path)
        return view(request, *args, **kwargs)

    return wrapper


def already_sent(request, exc: AlreadySent, fallback: str):
    """The answer to a repeat: where the first save led (or `fallback`), saying that nothing was saved again."""
    # A success: the form is saved. It also tells the page's script that the typed copy kept in the browser may go
    # (the first answer, with its own message, was lost on the way: that is why the form came again).
    messages.success(request, _("Biểu mẫu này đã được gửi và lưu trước đó; hệ thống không lưu lần nữa."))
    return redirect(exc.url or fallback)
