"""REST routes of training, mounted under /api/v1/ through the API_ROUTES seam."""

from django.urls import path

from training import api

urlpatterns = [
    path("training/catalogue/", api.CatalogueView.as_view(), name="api-training-catalogue"),
    path("associations/<slug:association_slug>/training/courses/", api.CourseListView.as_view(),
         name="api-training-courses"),
    path("associations/<slug:association_slug>/training/enrolments/", api.EnrolmentListView.as_view(),
         name="api-training-enrolments"),
    path("associations/<slug:association_slug>/training/enrolments/<int:enrolment_id>/progress/",
         api.ProgressView.as_view(), name="api-training-progress"),
]  # fmt: skip
