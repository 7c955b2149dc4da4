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
    path(
        f"{CASE}contributions/<id:contribution_id>/corrections/",
        api.ContributionCorrect.as_view(),
        name="api-contribution-correct",
    ),
    path(f"{CASE}judgements/<id:judgement_id>/", api.JudgementDetail.as_view(), name="api-judgement-detail"),
    path(f"{CASE}judgements/<id:judgement_id>/amendments/", api.JudgementAmend.as_view(), name="api-judgement-amend"),
    path(f"{CASE}judgements/<id:judgement_id>/agreements/", api.AgreementCreate.as_view(), name="api-agreement-create"),
    path(f"{CASE}judgements/<id:judgement_id>/dissents/", api.DissentCreate.as_view(), name="api-dissent-create"),
    path(f"{CASE}conditions/", api.ConditionListCreate.as_view(), name="api-condition-list"),
    path(f"{CASE}conditions/<id:condition_id>/check/", api.ConditionCheck.as_view(), name="api-condition-check"),
]
