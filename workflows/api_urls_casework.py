"""API routes of assessments, interventions, conditions, the lifecycle and meetings."""

from django.urls import path

from workflows import api_casework as api

CASE = "cases/<id:case_id>/"

urlpatterns = [
    path(f"{CASE}assessments/", api.AssessmentListCreate.as_view(), name="api-assessment-list"),
    path(f"{CASE}assessments/<id:assessment_id>/contributions/", api.ContributionCreate.as_view(),
         name="api-contribution-create"),
    path(f"{CASE}assessments/<id:assessment_id>/judgement/", api.JudgementCreate.as_view(),
         name="api-judgement-create"),
    path(f"{CASE}interventions/", api.InterventionListCreate.as_view(), name="api-intervention-list"),
    path(f"{CASE}interventions/<id:intervention_id>/", api.InterventionDetail.as_view(),
         name="api-intervention-detail"),
    path(f"{CASE}interventions/<id:intervention_id>/status/", api.InterventionStatus.as_view(),
         name="api-intervention-status"),
    path(f"{CASE}conditions/", api.ConditionListCreate.as_view(), name="api-condition-list"),
    path(f"{CASE}conditions/<id:condition_id>/check/", api.ConditionCheck.as_view(), name="api-condition-check"),
    path(f"{CASE}transitions/", api.CaseTransition.as_view(), name="api-case-transition"),
    path("meetings/", api.MeetingList.as_view(), name="api-meeting-list"),
    path("meetings/<id:meeting_id>/", api.MeetingDetail.as_view(), name="api-meeting-detail"),
]  # fmt: skip
