"""The admin API ``/api/v1`` (JSON, OpenAPI at ``/api/v1/schema``), bearer API tokens only."""

from litestar import Router
from litestar.exceptions import ValidationException

from casushub.web.api.auth import API_SECURITY, require_api_token
from casushub.web.api.controllers import JobsApi, OrganisationsApi, TenantsApi, UsersApi
from casushub.web.api.strict import AllowHeader, ongeldige_invoer
from casushub.web.auth.guards import api_token

__all__ = ["api_router"]

api_router = Router(
    "/api/v1",
    opt=api_token(),
    # The app documents nothing by default; this router is what the schema describes.
    include_in_schema=True,
    security=API_SECURITY,
    guards=[require_api_token],
    route_handlers=[TenantsApi, JobsApi, OrganisationsApi, UsersApi],
    middleware=[AllowHeader()],
    exception_handlers={ValidationException: ongeldige_invoer},
)
