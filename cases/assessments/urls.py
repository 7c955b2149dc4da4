"""Web routes of the joint safety assessment and its veiligheidsvoorwaarden (included by cases.urls)."""

from django.urls import path

from cases.assessments import views

CASE = "zaken/<id:case_id>/"

urlpatterns = [
    path(f"{CASE}beoordelingen/", views.assessment_list, name="assessment-list"),
    path(f"{CASE}beoordelingen/nieuw/", views.assessment_start, name="assessment-start"),
    path(f"{CASE}beoordelingen/<id:assessment_id>/", views.assessment_detail, name="assessment-detail"),
    path(f"{CASE}beoordelingen/<id:assessment_id>/bijdrage/", views.contribution_add, name="contribution-add"),
    path(
        f"{CASE}beoordelingen/<id:assessment_id>/bijdrage-vragen/",
        views.contribution_request,
        name="contribution-request",
    ),
    path(f"{CASE}beoordelingen/<id:assessment_id>/oordeel/", views.judgement_record, name="judgement-record"),
    path(f"{CASE}bijdragen/<id:contribution_id>/corrigeren/", views.contribution_correct, name="contribution-correct"),
    path(f"{CASE}oordelen/<id:judgement_id>/wijzigen/", views.judgement_amend, name="judgement-amend"),
    path(f"{CASE}oordelen/<id:judgement_id>/akkoord/", views.agreement_add, name="agreement-add"),
    path(f"{CASE}oordelen/<id:judgement_id>/afwijkend/", views.dissent_add, name="dissent-add"),
    path(f"{CASE}oordelen/<id:judgement_id>/voorwaarden/nieuw/", views.condition_add, name="condition-add"),
    path(f"{CASE}voorwaarden/<id:condition_id>/controle/", views.condition_check, name="condition-check"),
]
