"""The project's URLs plus the indicator routes, for tests (``@pytest.mark.urls``).

Once ``config/urls.py`` and ``config/api_urls.py`` include the indicator routes, nothing is
added twice: this module then only repeats the project's URLs.
"""

from django.urls import URLPattern, URLResolver, include, path

from config.urls import urlpatterns as project_urlpatterns


def _names(patterns) -> set[str]:
    found = set()
    for p in patterns:
        if isinstance(p, URLResolver):
            if p.namespace:
                found.add(f"{p.namespace}:")
            found |= _names(p.url_patterns)
        elif isinstance(p, URLPattern) and p.name:
            found.add(p.name)
    return found


_present = _names(project_urlpatterns)
handler404 = "berezhno.core.api.page_not_found"

urlpatterns = []
if "api-indicators" not in _present:
    urlpatterns.append(path("api/v1/indicators/", include("berezhno.indicators.api_urls")))
if "indicators:" not in _present:
    urlpatterns.append(path("indicators/", include("berezhno.indicators.urls")))
urlpatterns += project_urlpatterns
