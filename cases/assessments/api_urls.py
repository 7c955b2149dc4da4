"""API routes of the joint safety assessment and its veiligheidsvoorwaarden (included by cases.api_urls)."""

from django.urls import path

from cases.assessments import api

CASE = "cases/<id:case_id>/"

urlpatterns = [
    path(f"{CASE}assessments/", api.AssessmentListCreate.as_view(), name="api-assessment-list"),
    path(
        f"{CASE}assessments/<id:assessment_id>/contributions/",
        api.ContributionCreate.as_view(),
        name="api-contribution-create",
    ),
    path(
        f"{CASE}assessments/<id:assessment_id>/judgement/", api.JudgementCreate.as_view(), name="api-judgement-create"
    ),
    path(f"{CASE}conditions/", api.ConditionListCreate.as_view(), name="api-condition-list"),
    path(f"{CASE}conditions/<id:condition_id>/check/", api.ConditionCheck.as_view(), name="api-condition-check"),
]
