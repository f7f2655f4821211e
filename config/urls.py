from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

urlpatterns = [
    path("", include("berezhno.core.urls")),
    path("accounts/", include("berezhno.accounts.urls")),
    path("people/", include("berezhno.people.urls")),
    path("cases/", include("berezhno.cases.urls")),
    path("indicators/", include("berezhno.indicators.urls")),
    path("find-specialist/", include("berezhno.territories.urls")),
    path("api/v1/", include("config.api_urls")),
    path("admin/", admin.site.urls),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
]

handler404 = "berezhno.core.api.page_not_found"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.STATIC_URL, document_root=settings.STATIC_ROOT)
