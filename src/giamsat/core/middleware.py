import json

from django.conf import settings
from django.http import JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _

from .jsonapi import error_body


class VietnameseFirstLocaleMiddleware(LocaleMiddleware):
    """Vietnamese unless the user chose otherwise with the language switch (a cookie).

    Browsers send Accept-Language from the operating system's settings, and many office PCs run an English
    Windows, so honouring it would show English to Vietnamese users. API clients, which set the header on
    purpose, are the exception."""

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen and translation.check_for_language(chosen) and chosen in dict(settings.LANGUAGES):
            language = chosen
        elif request.path_info.startswith("/api/"):
            language = translation.get_language_from_request(request)
        else:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def nul_field(request) -> str | None:
    """The first parameter (query string, form field, or JSON member) holding a NUL character, else None. Files
    are not looked at: their bytes are theirs."""
    for key, values in request.GET.lists():
        if _has_nul(key) or any(_has_nul(v) for v in values):
            return key
    if request.method in ("POST", "PUT", "PATCH"):
        if request.content_type == "application/json":
            try:
                data = json.loads(request.body or b"null")
            except ValueError:
                return None  # the API answers an unreadable body itself
            if isinstance(data, dict):
                return next((str(k) for k, v in data.items() if _has_nul(k) or _has_nul(v)), None)
            return "body" if _has_nul(data) else None
        if request.content_type in FORM_TYPES:
            for key, values in request.POST.lists():
                if _has_nul(key) or any(_has_nul(v) for v in values):
                    return key
    return None


def drop_nul_from_form(request) -> None:
    """A form's text with NUL characters in it, less them. They come with text pasted from some programs, and
    cannot be seen: refused, the user could not find what to remove from the form."""
    if request.method != "POST" or request.content_type not in FORM_TYPES:
        return
    posted = request.POST
    if not any(_has_nul(value) for _key, values in posted.lists() for value in values):
        return
    cleaned = posted.copy()
    for key, values in posted.lists():
        cleaned.setlist(key, [value.replace("\x00", "") for value in values])
    cleaned._mutable = False
    request.POST = cleaned


class RefuseNulCharacters:
    """A NUL character (%00, \\u0000) can be stored by SQLite but not by PostgreSQL, which fails the request with
    a server error; no one types it. A page's form is saved without it (`drop_nul_from_form`); a query string, a
    field's name and the API's JSON are refused here, naming the parameter."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith("/api/"):
            drop_nul_from_form(request)
        field = nul_field(request)
        if field is None:
            return self.get_response(request)
        message = _("Dữ liệu gửi lên chứa ký tự NUL (mã 0), không lưu được: %(field)s.") % {"field": field}
        if request.path_info.startswith("/api/"):
            body = error_body(_("Dữ liệu gửi lên không hợp lệ."), [{"field": field, "message": message}])
            return JsonResponse(body, status=422)
        context = {"title": _("Yêu cầu không hợp lệ"), "message": message}
        return render(request, "core/refused.html", context, status=400)
