"""API routes of the veiligheidsplan (included by cases.api_urls)."""

from django.urls import path

from cases.safety_plans import api

CASE = "cases/<id:case_id>/"

urlpatterns = [
    path(f"{CASE}safety-plan/", api.SafetyPlanDetail.as_view(), name="api-safety-plan"),
    path(f"{CASE}safety-plan/versions/", api.SafetyPlanVersionCreate.as_view(), name="api-safety-plan-versions"),
    path(
        f"{CASE}safety-plan/versions/<id:plan_version>/agreements/",
        api.SafetyPlanAgreementCreate.as_view(),
        name="api-safety-plan-agreements",
    ),
]
