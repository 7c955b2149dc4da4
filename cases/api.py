"""REST API of the case record (/api/v1/cases/...). Same rules as the web pages: every case through
`cases.selectors` (need-to-know, access log), every write through `cases.services`."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from django.db.models import Model, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases import corrections, services
from cases.api_errors import ALREADY_RECORDED, BAD_REQUEST, CONFLICT, conflict_shape, existing_shape
from cases.api_input import AsciiIntegerField
from cases.models import Case, CaseStatus, Confidentiality, Note, Participant, Person, TimelineEvent
from cases.record_reads import note_to_correct, notes_of, person_to_change, persons_of, timeline_shown
from cases.selectors import (
    bsn_digest,
    case_for_request,
    cases_filter,
    cases_visible_to,
    log_search,
    person_for_request,
)
from cases.serializers import (
    CaseCreateSerializer,
    CaseSerializer,
    NoteCorrectionSerializer,
    NoteSerializer,
    ParticipantSerializer,
    PersonRemovalSerializer,
    PersonSerializer,
    TimelineEventSerializer,
    checked_bsn,
)
from partners.models import WORKING_ROLES, SafetyTeam
from partners.selectors import memberships_of
from security.api import MethodCheckedFirst
from security.services import client_ip

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.UUID,
    location=OpenApiParameter.HEADER,
    required=False,
    description="Optioneel: een nieuwe UUID per bedoeld verzoek. Wordt hetzelfde verzoek met dezelfde sleutel "
    "nog eens verstuurd (een herhaalde poging), dan wordt niets opnieuw aangemaakt: 409 met `existing`.",
)
IDEMPOTENCY_KEY_INVALID = _("Idempotency-Key: geef een UUID.")


def submission_key_of(request: Request) -> UUID | None:
    """The request's Idempotency-Key header as the services' `submission_key` (none: None)."""
    raw = request.headers.get("Idempotency-Key", "").strip()
    if not raw:
        return None
    try:
        return UUID(raw)
    except ValueError:
        raise serializers.ValidationError({"Idempotency-Key": [IDEMPOTENCY_KEY_INVALID]}) from None


class CaseFilterSerializer(serializers.Serializer):
    """The list's query parameters: an unknown status or a malformed id is a 400, not ignored."""

    status = serializers.ChoiceField(choices=CaseStatus.choices, required=False)
    municipality = AsciiIntegerField(required=False, min_value=1, max_value=2**63 - 1)
    q = serializers.CharField(required=False, allow_blank=True, max_length=100)
    bsn = serializers.CharField(required=False, allow_blank=True, max_length=11)

    def validate_bsn(self, value: str) -> str:
        return checked_bsn(value)


@extend_schema_view(
    get=extend_schema(
        summary="Casussen die u mag zien",
        parameters=[
            OpenApiParameter("status", OpenApiTypes.STR, enum=CaseStatus.values, description="Filter op status"),
            OpenApiParameter("municipality", OpenApiTypes.INT, description="Filter op gemeente (id)"),
            OpenApiParameter("q", OpenApiTypes.STR, description="Zoek op gezinsnaam, persoonsnaam of zaaknummer"),
            OpenApiParameter("bsn", OpenApiTypes.STR, description="Casussen met een persoon met dit BSN (exact)"),
        ],
    ),
    post=extend_schema(
        summary="Casus openen",
        request=CaseCreateSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={201: CaseSerializer, 400: BAD_REQUEST, 409: ALREADY_RECORDED},
    ),
)
class CaseListCreate(generics.ListCreateAPIView):
    serializer_class = CaseSerializer

    def get_queryset(self) -> QuerySet[Case]:
        # A plain dict: with a QueryDict DRF would treat "status=" as absent instead of invalid.
        filters = CaseFilterSerializer(data=self.request.query_params.dict())
        filters.is_valid(raise_exception=True)
        params = filters.validated_data
        self.bsn = params.get("bsn", "")
        return cases_filter(
            cases_visible_to(self.request.user).select_related("team", "municipality"),
            user=self.request.user,
            status=params.get("status", ""),
            municipality_id=params.get("municipality"),
            search=params.get("q", ""),
            bsn=self.bsn,
        )

    def list(self, request: Request, *args, **kwargs) -> Response:
        response = super().list(request, *args, **kwargs)
        params = request.query_params
        # One search row per list call; the term's length only, never the term; a BSN only keyed.
        log_search(
            request.user,
            ip=client_ip(request),
            detail=f"api:cases;q_len={len(params.get('q', ''))};status={params.get('status') or '-'};"
            f"municipality={params.get('municipality') or '-'};bsn={bsn_digest(self.bsn)};"
            f"page={params.get('page') or 1}"[:300],
        )
        return response

    def create(self, request: Request, *args, **kwargs) -> Response:
        teams = SafetyTeam.objects.filter(
            pk__in=memberships_of(request.user).filter(role__in=WORKING_ROLES).values("team_id")
        )
        serializer = CaseCreateSerializer(data=request.data, teams=teams)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        case = services.case_open(
            actor=request.user,
            ip=client_ip(request),
            submission_key=submission_key_of(request),
            family_confirmed=data.pop("confirm_family", False),
            **data,
        )
        return Response(CaseSerializer(case).data, status=status.HTTP_201_CREATED)


@extend_schema_view(get=extend_schema(summary="Eén casus"))
class CaseRetrieve(generics.RetrieveAPIView):
    serializer_class = CaseSerializer

    def get_object(self) -> Case:
        return case_for_request(self.request, self.kwargs["case_id"])


class CaseScoped(MethodCheckedFirst):
    """Resources of one case: the case comes through the one door first, whatever the method (an
    outsider gets 404 before any input is validated, and the read is logged)."""

    request: Request
    kwargs: dict
    log_detail = "case"

    def initial(self, request: Request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        if not getattr(self, "swagger_fake_view", False):
            self.get_case()

    def get_case(self) -> Case:
        if not hasattr(self, "_case"):
            self._case = case_for_request(self.request, self.kwargs["case_id"], detail=self.log_detail)
        return self._case

    def of_case(self, model: type[Model], rows: Callable[[Case], QuerySet]) -> QuerySet:
        """The case's rows; none during schema generation (no user, no log row)."""
        if getattr(self, "swagger_fake_view", False):
            return model.objects.none()
        return rows(self.get_case())


@extend_schema_view(
    get=extend_schema(
        summary="Personen van een casus",
        parameters=[
            OpenApiParameter("removed", OpenApiTypes.STR, enum=["true"], description="Ook personen die zijn verwijderd")
        ],
    ),
    post=extend_schema(
        summary="Persoon toevoegen",
        parameters=[IDEMPOTENCY_KEY],
        responses={201: PersonSerializer, 400: BAD_REQUEST, 409: ALREADY_RECORDED},
    ),
)
class PersonListCreate(CaseScoped, generics.ListCreateAPIView):
    serializer_class = PersonSerializer
    log_detail = "persons"

    def get_queryset(self) -> QuerySet[Person]:
        # The family as it stands; persons removed as added by mistake only with ?removed=true.
        with_removed = self.request.query_params.get("removed") == "true"
        user = self.request.user
        return self.of_case(Person, lambda case: persons_of(user, case, removed=None if with_removed else False))

    def perform_create(self, serializer: PersonSerializer) -> None:
        data = {k: v for k, v in serializer.validated_data.items() if k != "version"}
        serializer.instance = services.person_add(
            actor=self.request.user,
            case=self.get_case(),
            submission_key=submission_key_of(self.request),
            family_confirmed=data.pop("confirm_family", False),
            ip=client_ip(self.request),
            **data,
        )


@extend_schema_view(
    get=extend_schema(summary="Eén persoon"),
    put=extend_schema(
        summary="Persoon wijzigen (met versie)", responses={200: PersonSerializer, 400: BAD_REQUEST, 409: CONFLICT}
    ),
    patch=extend_schema(
        summary="Persoon deels wijzigen (met versie)",
        responses={200: PersonSerializer, 400: BAD_REQUEST, 409: CONFLICT},
    ),
)
class PersonDetail(generics.RetrieveUpdateAPIView):
    serializer_class = PersonSerializer

    def get_object(self) -> Person:
        """Through the door (logged with the person); then read as the user may know the person."""
        door = person_for_request(self.request, self.kwargs["person_id"], case_id=self.kwargs["case_id"])
        person = persons_of(self.request.user, door.case, removed=None).filter(pk=door.pk).first()
        if person is None:
            raise Http404("Persoon niet gevonden")
        return person

    def update(self, request: Request, *args, **kwargs) -> Response:
        door = person_for_request(request, self.kwargs["person_id"], case_id=self.kwargs["case_id"])
        person = person_to_change(request.user, door.case, door.pk)  # only a person whose details one reads
        serializer = self.get_serializer(person, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        expected = data.pop("version")
        data.pop("confirm_family", None)  # the family check belongs to adding a person
        services.person_change(actor=request.user, person=person, expected_version=expected, **data)
        return Response(PersonSerializer(person).data)


@extend_schema_view(
    get=extend_schema(summary="Betrokkenen van een casus"),
    post=extend_schema(
        summary="Betrokkene toevoegen (geeft toegang)",
        responses={201: ParticipantSerializer, 400: BAD_REQUEST, 409: ALREADY_RECORDED},
    ),
)
class ParticipantListCreate(CaseScoped, generics.ListCreateAPIView):
    serializer_class = ParticipantSerializer
    log_detail = "participants"

    def get_queryset(self) -> QuerySet[Participant]:
        return self.of_case(Participant, lambda case: case.participants.select_related("organisation", "professional"))

    def get_serializer_context(self) -> dict:
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False):
            context["case"] = self.get_case()
        return context

    def perform_create(self, serializer: ParticipantSerializer) -> None:
        serializer.instance = services.participant_add(
            actor=self.request.user, case=self.get_case(), **serializer.validated_data
        )


@extend_schema_view(
    get=extend_schema(summary="Eén betrokkene"),
    delete=extend_schema(summary="Betrokkenheid beëindigen (trekt toegang in)", responses={200: ParticipantSerializer}),
)
class ParticipantDetail(CaseScoped, generics.RetrieveDestroyAPIView):
    serializer_class = ParticipantSerializer
    log_detail = "participant"

    def get_object(self) -> Participant:
        participant = (
            self.get_case()
            .participants.select_related("organisation", "professional")
            .filter(pk=self.kwargs["participant_id"])
            .first()
        )
        if participant is None:
            raise Http404("Betrokkene niet gevonden")
        return participant

    def destroy(self, request: Request, *args, **kwargs) -> Response:
        """Ends the participation (the row stays, with its end time: the history is kept)."""
        participant = self.get_object()
        services.participant_end(actor=request.user, participant=participant)
        return Response(ParticipantSerializer(participant).data)


@extend_schema_view(
    get=extend_schema(summary="Notities van een casus"),
    post=extend_schema(
        summary="Notitie toevoegen",
        parameters=[IDEMPOTENCY_KEY],
        responses={201: NoteSerializer, 400: BAD_REQUEST, 409: ALREADY_RECORDED},
    ),
)
class NoteListCreate(CaseScoped, generics.ListCreateAPIView):
    serializer_class = NoteSerializer
    log_detail = "notes"

    def get_queryset(self) -> QuerySet[Note]:
        return self.of_case(Note, lambda case: notes_of(self.request.user, case))

    def perform_create(self, serializer: NoteSerializer) -> None:
        serializer.instance = services.note_add(
            actor=self.request.user,
            case=self.get_case(),
            text=serializer.validated_data["text"],
            confidentiality=serializer.validated_data.get("confidentiality", Confidentiality.GEDEELD),
            submission_key=submission_key_of(self.request),
        )


class NoteCorrectionCreate(CaseScoped, APIView):
    """The author corrects their note: a new note that names the original, which stays, marked
    corrected (a note is corrected once: 409 with its correction)."""

    log_detail = "note:correct"

    @extend_schema(
        summary="Notitie corrigeren (met versie)",
        request=NoteCorrectionSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={201: NoteSerializer, 400: BAD_REQUEST, 409: ALREADY_RECORDED},
    )
    def post(self, request: Request, case_id: int, note_id: int) -> Response:
        note = note_to_correct(request.user, self.get_case(), note_id)
        serializer = NoteCorrectionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        correction = corrections.note_correct(
            actor=request.user,
            note=note,
            text=serializer.validated_data["text"],
            expected_version=serializer.validated_data["version"],
            submission_key=submission_key_of(request),
            confidentiality=serializer.validated_data.get("confidentiality"),
        )
        return Response(NoteSerializer(correction).data, status=status.HTTP_201_CREATED)


class PersonRemoval(CaseScoped, APIView):
    """Remove a person added by mistake, with the reason; the row stays (removed_at, removal_reason)."""

    log_detail = "person:remove"

    @extend_schema(
        summary="Persoon verwijderen (met reden en versie)",
        request=PersonRemovalSerializer,
        responses={200: PersonSerializer, 400: BAD_REQUEST, 409: CONFLICT},
    )
    def post(self, request: Request, case_id: int, person_id: int) -> Response:
        person = person_to_change(request.user, self.get_case(), person_id)
        serializer = PersonRemovalSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        corrections.person_remove(
            actor=request.user,
            person=person,
            reason=serializer.validated_data["reason"],
            expected_version=serializer.validated_data["version"],
        )
        return Response(PersonSerializer(person).data)


@extend_schema_view(get=extend_schema(summary="Tijdlijn van een casus"))
class TimelineList(CaseScoped, generics.ListAPIView):
    serializer_class = TimelineEventSerializer
    log_detail = "timeline"

    def get_queryset(self) -> QuerySet[TimelineEvent]:
        user = self.request.user
        return self.of_case(TimelineEvent, lambda case: timeline_shown(user, case.timeline.select_related("actor")))


conflict_shape(Person, PersonSerializer)
conflict_shape(Note, NoteSerializer)
existing_shape(Case, CaseSerializer)
existing_shape(Person, PersonSerializer)
existing_shape(Participant, ParticipantSerializer)
existing_shape(Note, NoteSerializer)
