"""The API root: lists what /api/v1/ offers to the caller."""

from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import MethodNotAllowed
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView


class MethodCheckedFirst:
    """A method the endpoint does not have answers 405 before anything else runs (DRF checks the
    permissions first): no access-log row and no permission check for a request that does nothing."""

    http_method_names: list[str]

    def initial(self, request: Request, *args, **kwargs) -> None:
        method = request.method.lower()
        if method not in self.http_method_names or not hasattr(self, method):
            raise MethodNotAllowed(request.method)
        super().initial(request, *args, **kwargs)  # type: ignore[misc]


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
