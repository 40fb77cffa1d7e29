"""Screens of the casusoverleg: dashboard, casus page with logged fragments, signal form,
search and the invited party's view. One Controller per screen area; each parses input and
calls the services."""

from litestar.types import ControllerRouterHandler

from casushub.web.casusoverleg.aanwezigheid import AanwezigheidController
from casushub.web.casusoverleg.acties import ActieController
from casushub.web.casusoverleg.afdrukken import AfdrukController
from casushub.web.casusoverleg.agenda import AgendaController
from casushub.web.casusoverleg.bijeenkomst import BijeenkomstController
from casushub.web.casusoverleg.bijlagen import BijlageController
from casushub.web.casusoverleg.controllers import CasusoverlegController
from casushub.web.casusoverleg.inbrengen import InbrengController
from casushub.web.casusoverleg.maatregelen import MaatregelController
from casushub.web.casusoverleg.planscherm import PlanController
from casushub.web.casusoverleg.uitnodigen import UitnodigController
from casushub.web.casusoverleg.verloop import VerloopController
from casushub.web.casusoverleg.weging import WegingController

__all__ = ["casusoverleg_handlers"]

casusoverleg_handlers: list[ControllerRouterHandler] = [
    CasusoverlegController,
    WegingController,
    PlanController,
    VerloopController,
    ActieController,
    UitnodigController,
    AgendaController,
    BijeenkomstController,
    AanwezigheidController,
    AfdrukController,
    BijlageController,
    InbrengController,
    MaatregelController,
]
