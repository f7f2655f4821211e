from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("Неверное имя пользователя или пароль."),
        "inactive": _("Учётная запись отключена."),
    }


class OtpCodeForm(forms.Form):
    """The second factor at sign-in: a code of the app or a recovery code."""

    code = forms.CharField(
        label=_("Код"), max_length=40, strip=True,
        help_text=_("Шесть цифр из приложения-аутентификатора или один из кодов "
                    "восстановления."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True,
                                      "autocapitalize": "off", "spellcheck": "false"}))


class OtpSetupForm(forms.Form):
    """The first code of a new authenticator, which confirms it."""

    code = forms.CharField(
        label=_("Код из приложения"), max_length=10, strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                      "pattern": "[0-9 ]*"}))
