"""The API root: lists what /api/v1/ offers to the caller."""

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView


class ApiRoot(APIView):
    @extend_schema(summary="API-ingang", responses={200: dict})
    def get(self, request: Request) -> Response:
        return Response(
            {
                "user": request.user.get_username(),
                "schema": reverse("schema", request=request),
                "docs": reverse("api-docs", request=request),
            }
        )
