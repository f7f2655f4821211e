from django.urls import path

from . import exports, job_views, pickers, views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("audit/", views.audit, name="audit"),
    path("pick/<slug:code>/", pickers.pick, name="pick"),
    path("exports/<slug:code>.<slug:fmt>", exports.export, name="export"),
    path("jobs/", job_views.job_list, name="jobs"),
    path("jobs/<uuid:key>/", job_views.job, name="job"),
    path("jobs/<uuid:key>/file", job_views.job_download, name="job_download"),
]
