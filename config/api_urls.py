"""The REST API: the base routes here, every app's routes from the registry
(``core.registry.register_api_route`` / ``register_api_path`` in each app's ``ready()``)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from berezhno.core import registry
from berezhno.core.api import Router
from berezhno.core.views import api_docs

router = Router()
for prefix, viewset, basename in registry.api_routes():
    router.register(prefix, viewset, basename=basename)

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # A light Russian page for everyone who opens it; Swagger UI (about 1.5 MB of scripts)
    # only on request.
    path("docs/", api_docs, name="api-docs"),
    path("docs/swagger/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"),
         name="api-swagger"),
    *[path(p.prefix, include(p.urlconf)) for p in registry.api_paths()],
    path("", include(router.urls)),
]
