from ninja import Router, Schema

router = Router(tags=["accounts"])


class MeOut(Schema):
    username: str
    full_name: str
    role: str
    role_label: str
    unit_id: int | None
    organisation_id: int | None
    jurisdiction: str


@router.get("/me", response=MeOut, summary="Người dùng hiện tại / the calling user")
def me(request):
    user = request.user
    return MeOut(
        username=user.username,
        full_name=user.full_name,
        role=user.role,
        role_label=str(user.get_role_display()),
        unit_id=user.unit_id,
        organisation_id=user.organisation_id,
        jurisdiction=user.jurisdiction_label,
    )
