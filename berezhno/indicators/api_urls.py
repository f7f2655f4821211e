"""API routes, included under ``/api/v1/indicators/`` by ``config/api_urls.py``."""

from django.urls import path

from . import api

urlpatterns = [
    path("", api.IndicatorValuesView.as_view(), name="api-indicators"),
    path("definitions/", api.IndicatorDefinitionsView.as_view(),
         name="api-indicator-definitions"),
]
