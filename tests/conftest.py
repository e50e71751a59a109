"""Session set-up and the personas every capability's tests reuse (DESIGN.md, convention 7).

The official unit lists (~14,000 units) are imported once per session, right after the test database is
created, together with a few organisations (BASE_ORGANISATIONS). Ordinary tests use `db` (each test rolls
back), so they all see the units and organisations.

A test that needs `transactional_db` (e.g. through `live_server`) must load what it needs itself: each such test
ends by emptying every table. pytest-django runs them after all `db` tests, so those never notice.
"""

import pytest
from django.test import Client
from django.utils import translation

import factories as f
from giamsat.units.choices import Level, OrganisationKind, Structure

IMPORT_SUMMARY = pytest.StashKey()

# (name, abbreviation, kind, unit key) created once per session next to the imported units.
BASE_ORGANISATIONS = [
    ("Hội Liên hiệp Phụ nữ tỉnh Bình Thuận", "HLHPN", OrganisationKind.WOMENS_UNION, ("legacy", 1, f.BINH_THUAN)),
    ("Ủy ban nhân dân huyện Đức Linh", "UBND", OrganisationKind.PEOPLES_COMMITTEE, ("legacy", 2, f.DUC_LINH)),
    ("Ủy ban nhân dân huyện Tánh Linh", "UBND", OrganisationKind.PEOPLES_COMMITTEE, ("legacy", 2, f.TANH_LINH)),
    ("Ủy ban nhân dân thị trấn Võ Xu", "UBND", OrganisationKind.PEOPLES_COMMITTEE, ("legacy", 3, f.VO_XU)),
    ("Ủy ban nhân dân tỉnh Lâm Đồng", "UBND", OrganisationKind.PEOPLES_COMMITTEE, ("current", 1, f.LAM_DONG)),
    ("Ủy ban nhân dân xã Đức Linh", "UBND", OrganisationKind.PEOPLES_COMMITTEE, ("current", "Xã Đức Linh")),
    ("Ủy ban nhân dân xã Hoài Đức", "UBND", OrganisationKind.PEOPLES_COMMITTEE, ("current", "Xã Hoài Đức")),
    ("Ủy ban nhân dân phường Ba Đình", "UBND", OrganisationKind.PEOPLES_COMMITTEE, ("current", 3, f.BA_DINH_WARD)),
]


def _base_unit(key):
    if len(key) == 2:
        return f.current_commune(key[1])
    structure, level, code = key
    return f.unit(Structure(structure), Level(level), code)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, request):
    from giamsat.units.importer import import_units
    from giamsat.units.models import Organisation

    with django_db_blocker.unblock():
        request.config.stash[IMPORT_SUMMARY] = import_units()
        for name, abbreviation, kind, key in BASE_ORGANISATIONS:
            Organisation.objects.get_or_create(
                name=name, unit=_base_unit(key), defaults={"abbreviation": abbreviation, "kind": kind}
            )


@pytest.fixture
def initial_import_summary(django_db_setup, request):
    """The summary of the session's first import of the shipped data."""
    return request.config.stash[IMPORT_SUMMARY]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Personas get real passwords; the production hasher would cost ~0.3 s for each.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _vietnamese_first():
    # A request through the test client leaves its language active in the thread afterwards (LocaleMiddleware
    # activates, nothing resets): an English request would otherwise change what the next test reads.
    translation.activate("vi")
    yield
    translation.deactivate()


# --- personas ----------------------------------------------------------------------------------------------


@pytest.fixture
def province_officer(db):
    """Current Lâm Đồng (68); through the conversion table also legacy Bình Thuận, Đắk Nông and Lâm Đồng."""
    return f.ProvinceOfficerFactory(username="tinh_lamdong")


@pytest.fixture
def supervisor(db):
    """Member of the Women's Union of legacy Bình Thuận; no unit of their own."""
    return f.SupervisorFactory(username="giamsat_hlhpn")


@pytest.fixture
def district_officer(db):
    """Legacy district Đức Linh (600) of Bình Thuận."""
    return f.DistrictOfficerFactory(username="huyen_duclinh")


@pytest.fixture
def commune_worker(db):
    """Child-protection worker of current Xã Đức Linh (Lâm Đồng)."""
    return f.CommuneWorkerFactory(username="baove_duclinh")


@pytest.fixture
def other_commune_worker(db):
    """Child-protection worker of current Xã Hoài Đức (Lâm Đồng), the neighbouring commune."""
    return f.CommuneWorkerFactory(username="baove_hoaiduc", unit=f.current_commune("Xã Hoài Đức"))


@pytest.fixture
def outsider(db):
    """Commune officer of Phường Ba Đình, Hà Nội: nothing in Bình Thuận or Lâm Đồng is theirs."""
    return f.CommuneOfficerFactory(username="xa_badinh")


@pytest.fixture
def admin_user(db):
    return f.AdminFactory(username="quantri")


@pytest.fixture
def hotline_operator(db):
    """Operator of the 111 centre, no unit: nationwide."""
    return f.HotlineOperatorFactory(username="tongdai")


@pytest.fixture
def persona(request):
    """Indirect parametrisation by persona name: `@pytest.mark.parametrize("persona", [...], indirect=True)`."""
    return request.getfixturevalue(request.param)


# --- clients -----------------------------------------------------------------------------------------------


@pytest.fixture
def client_for(db):
    """A browser-like client logged in as `user` (session cookie)."""

    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def login(client):
    """Log the default `client` in as `user` and return it."""

    def do(user) -> Client:
        client.force_login(user)
        return client

    return do


@pytest.fixture
def api_client_for(db):
    """A client that authenticates every request with a real bearer token of `user` (no session)."""
    from giamsat.accounts.services import do_create_token

    def make(user) -> Client:
        _token, secret = do_create_token(acting_user=user, name="pytest", days=90)
        return Client(headers={"Authorization": f"Bearer {secret}"})

    return make


@pytest.fixture
def media_root(settings, tmp_path):
    """Uploaded and generated files go to the test's own folder (modules that write files use it for every test)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
