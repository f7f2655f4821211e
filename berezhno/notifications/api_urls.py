from django.urls import path

from .api import DeliveryReportView

urlpatterns = [path("delivery/", DeliveryReportView.as_view(), name="api-notify-delivery")]
