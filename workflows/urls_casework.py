"""Web routes of the lifecycle, assessments, interventions and meetings (included by workflows.urls)."""

from django.urls import path

from workflows import views_assessments as assessments
from workflows import views_interventions as interventions
from workflows import views_lifecycle as lifecycle
from workflows import views_meetings as meetings

CASE = "zaken/<id:case_id>/"
ITEM = "overleggen/<id:meeting_id>/agenda/<id:item_id>/"

urlpatterns = [
    path(f"{CASE}status/", lifecycle.case_status, name="case-status"),
    path(f"{CASE}beoordelingen/", assessments.assessment_list, name="assessment-list"),
    path(f"{CASE}beoordelingen/nieuw/", assessments.assessment_start, name="assessment-start"),
    path(f"{CASE}beoordelingen/<id:assessment_id>/", assessments.assessment_detail, name="assessment-detail"),
    path(f"{CASE}beoordelingen/<id:assessment_id>/bijdrage/", assessments.contribution_add, name="contribution-add"),
    path(f"{CASE}beoordelingen/<id:assessment_id>/oordeel/", assessments.judgement_record, name="judgement-record"),
    path(f"{CASE}oordelen/<id:judgement_id>/wijzigen/", assessments.judgement_edit, name="judgement-edit"),
    path(f"{CASE}oordelen/<id:judgement_id>/afwijkend/", assessments.dissent_add, name="dissent-add"),
    path(f"{CASE}oordelen/<id:judgement_id>/voorwaarden/nieuw/", assessments.condition_add, name="condition-add"),
    path(f"{CASE}voorwaarden/<id:condition_id>/controle/", assessments.condition_check, name="condition-check"),
    path(f"{CASE}inzet/", interventions.intervention_list, name="intervention-list"),
    path(f"{CASE}inzet/<id:intervention_id>/", interventions.intervention_detail, name="intervention-detail"),
    path("overleggen/", meetings.meeting_list, name="meeting-list"),
    path("overleggen/<id:meeting_id>/", meetings.meeting_detail, name="meeting-detail"),
    path("overleggen/<id:meeting_id>/agenda/", meetings.agenda_add, name="meeting-agenda-add"),
    path("overleggen/<id:meeting_id>/aanwezigen/", meetings.attendance_add, name="meeting-attendance-add"),
    path(ITEM, meetings.agenda_item, name="meeting-item"),
    path("acties/", meetings.my_actions, name="my-actions"),
]
