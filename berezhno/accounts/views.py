from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_http_methods
from rest_framework.authtoken.models import Token

from .forms import LoginForm


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["idle_expired"] = self.request.session.pop("idle_expired", False)
        return context


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    """The user's own page: roles and an API token for integrations."""
    token = Token.objects.filter(user=request.user).first()
    if request.method == "POST":
        if token is not None:
            token.delete()
        token = Token.objects.create(user=request.user)
    assignments = request.user.role_assignments.filter(is_active=True).select_related(
        "territory", "organisation")
    return render(request, "accounts/profile.html", {
        "token": token, "assignments": assignments, "new_token": request.method == "POST"})
