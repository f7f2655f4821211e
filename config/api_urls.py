"""The REST API: the base routes here, every app's routes from the registry
(``core.registry.register_api_route`` / ``register_api_path`` in each app's ``ready()``)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from berezhno.core import registry
from berezhno.core.api import Router

router = Router()
for prefix, viewset, basename in registry.api_routes():
    router.register(prefix, viewset, basename=basename)

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    *[path(p.prefix, include(p.urlconf)) for p in registry.api_paths()],
    path("", include(router.urls)),
]
