"""Hub administration screens: the platform operator's hubs and the hub admin's municipalities,
organisations, users, regional casusoverleg, instructions, audit log and API tokens."""

from litestar.types import ControllerRouterHandler

from casushub.web.hub.beheer import ApiTokensController, AuditController
from casushub.web.hub.export import GemeenteExportController
from casushub.web.hub.gebruikers import GebruikersController
from casushub.web.hub.gemeenten import GemeentenController
from casushub.web.hub.hubs import HubsController
from casushub.web.hub.huisstijl import huisstijl_handlers, laad_huisstijl
from casushub.web.hub.instructies import instructies_handlers, instructies_redirect
from casushub.web.hub.organisaties import OrganisatiesController
from casushub.web.hub.overleggen import OverleggenController

__all__ = ["hub_handlers", "instructies_redirect", "laad_huisstijl"]

hub_handlers: list[ControllerRouterHandler] = [
    GemeentenController,
    ApiTokensController,
    AuditController,
    OrganisatiesController,
    GebruikersController,
    OverleggenController,
    HubsController,
    GemeenteExportController,
    *instructies_handlers,
    *huisstijl_handlers,
]
