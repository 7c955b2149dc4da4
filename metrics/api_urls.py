from django.urls import path

from metrics import api

urlpatterns = [
    path("metrics/", api.MetricsView.as_view(), name="api-metrics"),
    path("metrics/releases/", api.ReleaseListCreateView.as_view(), name="api-metrics-releases"),
    path("exports/", api.ExportListCreateView.as_view(), name="api-exports"),
    path("exports/<id:job_id>/", api.ExportDetailView.as_view(), name="api-export-detail"),
]
