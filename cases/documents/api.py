"""REST API of the documents. Every case through `CaseScoped` (need-to-know, access log), the
documents through the need-to-know selectors, every write through the services.

The list gives every document of the case, with title, persons and file only where the reader's
class allows ("dat, niet wat" otherwise); a document, its versions and its download answer 404 to
anyone without the class, as if it did not exist.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.api import IDEMPOTENCY_KEY, CaseScoped, submission_key_of
from cases.api_errors import ALREADY_RECORDED, BAD_REQUEST, existing_shape
from cases.documents import measures, services
from cases.documents.download import file_response
from cases.documents.models import Document
from cases.documents.selectors import (
    document_for,
    document_rows_of,
    measure_for,
    version_for_download,
    versions_of,
)
from cases.documents.serializers import (
    ChildMeasureSerializer,
    DocumentCreateSerializer,
    DocumentRowSerializer,
    DocumentSerializer,
    MeasureEndSerializer,
    VersionCreateSerializer,
    VersionSerializer,
)


@extend_schema_view(
    get=extend_schema(
        summary="Documenten van een casus (titel en bestand alleen waar de vertrouwelijkheid het toestaat)",
        responses={200: DocumentRowSerializer(many=True)},
    ),
    post=extend_schema(
        summary="Document toevoegen met het eerste bestand (multipart; wordt eerst op virussen gecontroleerd)",
        request={"multipart/form-data": DocumentCreateSerializer},
        parameters=[IDEMPOTENCY_KEY],
        responses={201: DocumentSerializer, 400: BAD_REQUEST, 409: ALREADY_RECORDED},
    ),
)
class DocumentListCreate(CaseScoped, APIView):
    log_detail = "document"
    parser_classes = [MultiPartParser]

    def get(self, request: Request, case_id: int) -> Response:
        rows = document_rows_of(request.user, self.get_case())
        return Response(DocumentRowSerializer(rows, many=True).data)

    def post(self, request: Request, case_id: int) -> Response:
        case = self.get_case()
        serializer = DocumentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        upload = data.pop("file")
        document = services.document_add(
            actor=request.user,
            case=case,
            file=upload,
            filename=upload.name,
            submission_key=submission_key_of(request),
            **data,
        )
        return Response(DocumentSerializer(document).data, status=status.HTTP_201_CREATED)


class DocumentDetail(CaseScoped, APIView):
    log_detail = "document"

    @extend_schema(
        summary="Eén document (alleen wie de vertrouwelijkheid toestaat)", responses={200: DocumentSerializer}
    )
    def get(self, request: Request, case_id: int, document_id: int) -> Response:
        document = document_for(request.user, self.get_case(), document_id)
        return Response(DocumentSerializer(document).data)


@extend_schema_view(
    get=extend_schema(summary="Versies van een document", responses={200: VersionSerializer(many=True)}),
    post=extend_schema(
        summary="Nieuwe versie van een document (de vorige blijven bewaard)",
        request={"multipart/form-data": VersionCreateSerializer},
        responses={201: VersionSerializer, 400: BAD_REQUEST},
    ),
)
class DocumentVersions(CaseScoped, APIView):
    log_detail = "document"
    parser_classes = [MultiPartParser]

    def get(self, request: Request, case_id: int, document_id: int) -> Response:
        document = document_for(request.user, self.get_case(), document_id)
        return Response(VersionSerializer(versions_of(document), many=True).data)

    def post(self, request: Request, case_id: int, document_id: int) -> Response:
        document = document_for(request.user, self.get_case(), document_id)
        serializer = VersionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        version = services.document_version_add(
            actor=request.user, document=document, file=upload, filename=upload.name
        )
        return Response(VersionSerializer(version).data, status=status.HTTP_201_CREATED)


class DocumentDownload(CaseScoped, APIView):
    """The file of a version scanned clean, as an attachment; the door logs every download."""

    def initial(self, request: Request, *args, **kwargs) -> None:
        self.log_detail = f"document-download:{kwargs.get('document_id')}:{kwargs.get('version_id')}"
        super().initial(request, *args, **kwargs)

    @extend_schema(
        summary="Bestand van een versie downloaden",
        responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY)},
    )
    def get(self, request: Request, case_id: int, document_id: int, version_id: int):
        return file_response(version_for_download(request.user, self.get_case(), document_id, version_id))


class MeasureEnd(CaseScoped, APIView):
    """How and when one child's measure of a beschikking ended (the organisation that recorded it)."""

    log_detail = "document-measure"

    @extend_schema(
        summary="Einde van de maatregel van een kind vastleggen (dag en reden)",
        request=MeasureEndSerializer,
        responses={200: ChildMeasureSerializer, 400: BAD_REQUEST},
    )
    def post(self, request: Request, case_id: int, document_id: int, measure_id: int) -> Response:
        measure = measure_for(request.user, self.get_case(), document_id, measure_id)
        serializer = MeasureEndSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        measure = measures.measure_end(actor=request.user, measure=measure, **serializer.validated_data)
        return Response(ChildMeasureSerializer(measure).data)


existing_shape(Document, DocumentSerializer)
