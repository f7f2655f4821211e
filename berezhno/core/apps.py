from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "berezhno.core"
    label = "core"
    verbose_name = _("Ядро")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from . import lookups  # noqa: F401 - registers ``__any``
        from .middleware import stamp_login

        user_logged_in.connect(stamp_login, dispatch_uid="berezhno.core.stamp_login")
