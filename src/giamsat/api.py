"""The JSON API: django-ninja, OpenAPI at /api/openapi.json, docs at /api/docs (served from the package)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer, django_auth

from giamsat.accounts.api import router as accounts_router
from giamsat.accounts.services import token_for_secret
from giamsat.cases.api import router as cases_router
from giamsat.core.jsonapi import error_body
from giamsat.core.views import csrf_failure
from giamsat.dashboards.api import router as dashboards_router
from giamsat.documents.api import router as documents_router
from giamsat.plans.api import router as plans_router
from giamsat.reporting.api import router as reporting_router
from giamsat.supervision.api import router as supervision_router
from giamsat.units.api import router as units_router

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
# Reads sent as POST because what they carry has no place in an address (a child's name): allowed to read-only tokens.
READS_BY_POST = ("/api/cases/search",)


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        found = token_for_secret(token)
        if found is None:
            return None
        if found.read_only and request.method not in SAFE_METHODS and request.path not in READS_BY_POST:
            # Before the row is looked up: the answer is the same for every row, ours or not.
            raise HttpError(403, _("Mã truy cập này chỉ được đọc dữ liệu; hãy dùng mã có quyền ghi."))
        request.user = found.user
        return found.user


api = NinjaAPI(
    title="giamsat API",
    version="1.0.0",
    description=(
        "Dữ liệu giamsat dưới dạng JSON, theo đúng địa bàn của người dùng. Xác thực bằng mã truy cập cá nhân "
        "(`Authorization: Bearer gs_…`, tạo tại trang Tài khoản) hoặc phiên đăng nhập của trình duyệt. Mã hết "
        "hạn sau thời hạn chọn lúc tạo (30 ngày đến 1 năm); mã chỉ đọc bị từ chối (403) ở mọi thao tác ghi.\n\n"
        "giamsat data as JSON, scoped to the caller's jurisdiction. Authenticate with a personal token "
        "(`Authorization: Bearer gs_…`, created on the Account page) or the browser session. A token expires after "
        "the lifetime chosen when it was made (30 days to a year); a read-only token is refused (403) on every write."
    ),
    auth=[BearerToken(), django_auth],
    urls_namespace="api-1.0.0",
)


def _field_message(err: dict) -> str:
    """pydantic's message for a field, in the user's language for the errors people meet (pydantic speaks only
    English); its own text for the rest."""
    ctx = err.get("ctx") or {}
    # pydantic lists the choices in English ("'year' or 'quarter'"); the quoted values are the same in every language.
    choices = str(ctx.get("expected", "")).replace(" or ", ", ")
    messages = {
        "missing": lambda: _("Thiếu trường này."),
        "int_parsing": lambda: _("Phải là số nguyên."),
        "int_type": lambda: _("Phải là số nguyên."),
        "decimal_parsing": lambda: _("Phải là số."),
        "decimal_type": lambda: _("Phải là số."),
        "finite_number": lambda: _("Phải là số."),
        "float_parsing": lambda: _("Phải là số."),
        "bool_parsing": lambda: _("Phải là true hoặc false."),
        "string_type": lambda: _("Phải là chuỗi ký tự."),
        "date_from_datetime_parsing": lambda: _("Phải là ngày dạng 2025-06-30."),
        "date_parsing": lambda: _("Phải là ngày dạng 2025-06-30."),
        "date_type": lambda: _("Phải là ngày dạng 2025-06-30."),
        "greater_than_equal": lambda: _("Phải từ %(limit)s trở lên.") % {"limit": ctx.get("ge")},
        "greater_than": lambda: _("Phải lớn hơn %(limit)s.") % {"limit": ctx.get("gt")},
        "less_than_equal": lambda: _("Phải từ %(limit)s trở xuống.") % {"limit": ctx.get("le")},
        "less_than": lambda: _("Phải nhỏ hơn %(limit)s.") % {"limit": ctx.get("lt")},
        "literal_error": lambda: _("Phải là một trong: %(choices)s.") % {"choices": choices},
        "enum": lambda: _("Phải là một trong: %(choices)s.") % {"choices": choices},
        "decimal_max_digits": lambda: _("Số quá lớn (tối đa %(n)s chữ số).") % {"n": ctx.get("max_digits")},
        "decimal_max_places": lambda: _("Tối đa %(n)s chữ số sau dấu thập phân.") % {"n": ctx.get("decimal_places")},
        "string_too_long": lambda: _("Tối đa %(n)s ký tự.") % {"n": ctx.get("max_length")},
        "string_too_short": lambda: _("Cần ít nhất %(n)s ký tự.") % {"n": ctx.get("min_length")},
        # Our validators raise ValueError with the message for the user; pydantic would prefix "Value error, ".
        "value_error": lambda: str(ctx.get("error", "")) or err.get("msg", ""),
    }
    message = messages.get(err.get("type", ""))
    return message() if message else err.get("msg", "")


def _field_name(loc) -> str | None:
    """ "title", "values.0.value", "parent": the body's own field names, as the other errors give them (django-ninja
    puts the body under the endpoint's argument: "payload.title")."""
    path = [str(part) for part in loc[1:]]
    if loc[:1] == ("body",) and path[:1] == ["payload"]:
        path = path[1:]
    return ".".join(path) or None


@api.exception_handler(ValidationError)
def validation_error(request, exc: ValidationError):
    errors = [{"field": _field_name(err.get("loc", ())), "message": _field_message(err)} for err in exc.errors]
    return api.create_response(request, error_body(_("Dữ liệu gửi lên không hợp lệ."), errors), status=422)


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    """As django-ninja answers, with its own English messages (an unreadable body, a session request without
    its CSRF token) in the user's language."""
    message = str(exc)
    if message.startswith("Cannot parse request body"):
        message = _("Không đọc được nội dung gửi lên: cần JSON hợp lệ, mã UTF-8.")
    elif message == "CSRF check Failed":
        return csrf_failure(request)
    return api.create_response(request, error_body(message), status=exc.status_code)


def _model_error_message(error: DjangoValidationError) -> str:
    params = error.params or {}
    if error.code == "invalid" and {"model", "value"} <= params.keys():
        # A foreign key to nothing: Django's message has no Vietnamese ("lĩnh vực instance with id 9 is not…").
        return _("Không có %(model)s mã %(value)s.") % {"model": params["model"], "value": params["value"]}
    return " ".join(error.messages)


@api.exception_handler(DjangoValidationError)
def model_validation_error(request, exc: DjangoValidationError):
    fields = exc.error_dict if hasattr(exc, "error_dict") else {None: exc.error_list}
    errors = [
        {"field": field, "message": _model_error_message(error)} for field, errors in fields.items() for error in errors
    ]
    return api.create_response(request, error_body(_("Dữ liệu gửi lên không hợp lệ."), errors), status=422)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, error_body(_("Không tìm thấy.")), status=404)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return api.create_response(
        request,
        error_body(
            _("Cần đăng nhập hoặc mã truy cập hợp lệ (mã có thể đã hết hạn hoặc bị thu hồi: xem trang Tài khoản).")
        ),
        status=401,
    )


api.add_router("/", accounts_router)
api.add_router("/", units_router)
api.add_router("/", plans_router)
api.add_router("/", reporting_router)
api.add_router("/", supervision_router)
api.add_router("/", documents_router)
api.add_router("/", cases_router)
api.add_router("/", dashboards_router)
