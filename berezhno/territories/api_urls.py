from django.urls import path

from .api import DirectoryView

urlpatterns = [path("", DirectoryView.as_view(), name="api-directory")]
