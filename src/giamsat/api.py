"""The JSON API: django-ninja, OpenAPI at /api/openapi.json, docs at /api/docs (served from the package)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError
from ninja.security import HttpBearer, django_auth

from giamsat.accounts.api import router as accounts_router
from giamsat.accounts.services import user_for_token
from giamsat.cases.api import router as cases_router
from giamsat.dashboards.api import router as dashboards_router
from giamsat.documents.api import router as documents_router
from giamsat.plans.api import router as plans_router
from giamsat.reporting.api import router as reporting_router
from giamsat.supervision.api import router as supervision_router
from giamsat.units.api import router as units_router


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="giamsat API",
    version="1.0.0",
    description=(
        "Dữ liệu giamsat dưới dạng JSON, theo đúng địa bàn của người dùng. Xác thực bằng mã truy cập cá nhân "
        "(`Authorization: Bearer gs_…`, tạo tại trang Tài khoản) hoặc phiên đăng nhập của trình duyệt.\n\n"
        "giamsat data as JSON, scoped to the caller's jurisdiction. Authenticate with a personal token "
        "(`Authorization: Bearer gs_…`, created on the Account page) or the browser session."
    ),
    auth=[BearerToken(), django_auth],
    urls_namespace="api-1.0.0",
)


@api.exception_handler(ValidationError)
def validation_error(request, exc: ValidationError):
    errors = [
        {
            "field": ".".join(str(p) for p in err.get("loc", [])[1:]) or None,
            "message": err.get("msg", ""),
        }
        for err in exc.errors
    ]
    return api.create_response(request, {"message": _("Dữ liệu gửi lên không hợp lệ."), "errors": errors}, status=422)


@api.exception_handler(DjangoValidationError)
def model_validation_error(request, exc: DjangoValidationError):
    fields = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
    errors = [{"field": field, "message": message} for field, messages in fields.items() for message in messages]
    return api.create_response(request, {"message": _("Dữ liệu gửi lên không hợp lệ."), "errors": errors}, status=422)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"message": _("Không tìm thấy."), "errors": []}, status=404)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return api.create_response(
        request, {"message": _("Cần đăng nhập hoặc mã truy cập hợp lệ."), "errors": []}, status=401
    )


api.add_router("/", accounts_router)
api.add_router("/", units_router)
api.add_router("/", plans_router)
api.add_router("/", reporting_router)
api.add_router("/", supervision_router)
api.add_router("/", documents_router)
api.add_router("/", cases_router)
api.add_router("/", dashboards_router)
