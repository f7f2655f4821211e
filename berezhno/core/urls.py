from django.urls import path

from . import exports, pickers, views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("audit/", views.audit, name="audit"),
    path("pick/<slug:code>/", pickers.pick, name="pick"),
    path("exports/<slug:code>.<slug:fmt>", exports.export, name="export"),
]
