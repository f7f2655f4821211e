from django.urls import path

from . import views

app_name = "indicators"

urlpatterns = [
    path("", views.report, name="report"),
    path("charts/", views.report_charts, name="charts"),
    path("report.xlsx", views.report_xlsx_view, name="xlsx"),
    path("report.pdf", views.report_pdf_view, name="pdf"),
]
