"""The site's URLs: the base pages here, every app's pages from the registry
(``core.registry.register_pages`` in each app's ``ready()``)."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from berezhno.core import registry

urlpatterns = [
    path("", include("berezhno.core.urls")),
    *[path(p.prefix, include(p.urlconf)) for p in registry.pages()],
    path("api/v1/", include("config.api_urls")),
    path("admin/", admin.site.urls),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
]

handler404 = "berezhno.core.api.page_not_found"
# A database outage answers 503 with Retry-After; other errors a Russian 500 (decision 0028).
handler500 = "berezhno.core.outage.server_error"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.STATIC_URL, document_root=settings.STATIC_ROOT)
