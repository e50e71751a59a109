from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import services
from .forms import TokenForm
from .models import ApiToken


@login_required
def profile(request):
    form = TokenForm(request.POST or None)
    new_secret = None
    if request.method == "POST" and form.is_valid():
        _token, new_secret = services.do_create_token(acting_user=request.user, name=form.cleaned_data["name"])
        form = TokenForm()
    tokens = ApiToken.objects.restrict(request.user, "manage_own")
    return render(request, "accounts/profile.html", {"form": form, "tokens": tokens, "new_secret": new_secret})


@login_required
@require_POST
def revoke_token(request, pk):
    token = get_object_or_404(ApiToken.objects.restrict(request.user, "manage_own"), pk=pk)
    services.do_revoke_token(token, acting_user=request.user)
    messages.success(request, _("Đã thu hồi mã %(name)s.") % {"name": token.name})
    return redirect("accounts:profile")


class PasswordChangeView(auth_views.PasswordChangeView):
    success_url = reverse_lazy("password_change_done")

    def form_valid(self, form):
        with transaction.atomic():
            response = super().form_valid(form)
            services.do_record_password_change(form.user, how="change")
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        with transaction.atomic():
            response = super().form_valid(form)
            services.do_record_password_change(form.user, how="reset")
        return response
