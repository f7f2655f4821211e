from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TestingConfig(AppConfig):
    """The top layer: demo data, the data generator, benchmarks and the shared test world.

    It may import every app; no app imports it (the layers contract in ``.importlinter``).
    """

    name = "berezhno.testing"
    label = "testing"
    verbose_name = _("Демонстрационные данные и замеры")
