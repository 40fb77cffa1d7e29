"""The admin API's contract kept honest: strict body schemas, Dutch field errors, ``Allow``.

- :class:`StrictStructSchemaPlugin` writes ``additionalProperties: false`` for request bodies
  that refuse unknown fields, and their one cross-field rule as ``if``/``then``; Litestar's
  own Struct plugin writes neither.
- :func:`ongeldige_invoer` answers a body that does not match its schema with 422
  problem+json naming every refused field with its Dutch rule (msgspec stops at the first,
  in English).
- :class:`AllowHeader` lists every method of the resource in ``Allow`` on ``OPTIONS``:
  Litestar builds its ``OPTIONS`` answer from one handler of a path only, so a path with a
  GET and a POST in one controller answered ``Allow: GET, OPTIONS``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import msgspec
from litestar import Request, Response
from litestar._openapi.schema_generation.plugins.struct import StructSchemaPlugin
from litestar.datastructures import MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.exceptions import SerializationException
from litestar.middleware import ASGIMiddleware
from litestar.openapi.spec import OpenAPIType, Schema
from litestar.routes import HTTPRoute
from litestar.serialization import decode_json
from litestar.utils.scope.state import ScopeState

from casushub.web.api.antwoorden import PROBLEM_JSON
from casushub.web.api.invoer import Verzoek, metas

if TYPE_CHECKING:
    from litestar._openapi.schema_generation import SchemaCreator
    from litestar.exceptions import ValidationException
    from litestar.types import ASGIApp, Message, Receive, Scope, Send
    from litestar.typing import FieldDefinition

__all__ = ["AllowHeader", "StrictStructSchemaPlugin", "ongeldige_invoer"]


class StrictStructSchemaPlugin(StructSchemaPlugin):
    """Litestar's Struct schema, plus what our request bodies promise on top of it."""

    def is_plugin_supported_field(self, field_definition: FieldDefinition) -> bool:
        return not field_definition.is_union and field_definition.is_subclass_of(Verzoek)

    def to_openapi_schema(
        self, field_definition: FieldDefinition, schema_creator: SchemaCreator
    ) -> Schema:
        schema = super().to_openapi_schema(field_definition, schema_creator)
        cls = field_definition.type_
        info = msgspec.inspect.type_info(cls)
        if not isinstance(info, msgspec.inspect.StructType):  # pragma: no cover - a Verzoek
            return schema
        if info.forbid_unknown_fields:
            schema.additional_properties = False
        for veld in info.fields:
            # Litestar drops the constraints of a list's items (e-mail domains): add them,
            # also to the list branch of an optional list (``list[...] | None``).
            soort = _kaal(veld.type)
            eigen = (schema.properties or {}).get(veld.encode_name)
            if isinstance(soort, msgspec.inspect.UnionType) and isinstance(eigen, Schema):
                lijst = [
                    _kaal(t) for t in soort.types if isinstance(_kaal(t), msgspec.inspect.ListType)
                ]
                tak = [
                    t
                    for t in eigen.one_of or ()
                    if isinstance(t, Schema) and t.type == OpenAPIType.ARRAY
                ]
                if len(lijst) == 1 and len(tak) == 1:
                    soort, eigen = lijst[0], tak[0]
            item = _kaal(getattr(soort, "item_type", None))
            if isinstance(item, msgspec.inspect.StrType) and isinstance(eigen, Schema):
                eigen.items = Schema(
                    type=OpenAPIType.STRING,
                    min_length=item.min_length,
                    max_length=item.max_length,
                    pattern=item.pattern,
                )
        if cls.ALS_DAN is not None:
            veld, waarden, dan, eisen = cls.ALS_DAN
            schema.schema_if = Schema(
                properties={veld: Schema(enum=list(waarden))}, required=[veld]
            )
            then = Schema(required=[dan])
            then.properties = {dan: Schema(**{_ATTR[k]: v for k, v in eisen.items()})}
            schema.then = then
        return schema


def _kaal(soort: Any) -> Any:
    """A msgspec type without its Metadata wrapper (description, examples)."""
    return soort.type if isinstance(soort, msgspec.inspect.Metadata) else soort


# JSON Schema keywords of ALS_DAN -> Litestar's Schema attributes.
_ATTR = {"minItems": "min_items", "pattern": "pattern", "minLength": "min_length"}


def _uitleg(annotation: Any) -> str:
    """The Dutch rule of a field: the description in its msgspec Meta."""
    return next((m.description for m in metas(annotation) if m.description), "")


def veldfouten(cls: type[msgspec.Struct], raw: Any) -> dict[str, str]:
    """Every field of ``raw`` that ``cls`` refuses, with its Dutch rule."""
    if not isinstance(raw, dict):
        return {"body": "Stuur een JSON-object met de velden uit het schema."}
    velden = {f.encode_name: f for f in msgspec.structs.fields(cls)}
    fouten = {naam: "Onbekend veld: laat het weg." for naam in raw if naam not in velden}
    for naam, info in velden.items():
        uitleg = _uitleg(info.type) or "Zie het OpenAPI-schema."
        if naam not in raw:
            if info.required:
                fouten[naam] = f"Dit veld is verplicht. {uitleg}"
            continue
        try:
            # Through JSON, as the body came: the same decoding as the request's.
            msgspec.json.decode(msgspec.json.encode(raw[naam]), type=info.type)
        except msgspec.ValidationError:
            fouten[naam] = uitleg
    return fouten


def ongeldige_invoer(request: Request[Any, Any, Any], exc: ValidationException) -> Response[Any]:
    """A body that does not match its schema: 422 with a Dutch reason per field."""
    fouten: dict[str, str] = {}
    data = request.route_handler.parsed_fn_signature.parameters.get("data")
    cls = data.type_ if data is not None else None
    # The body was read before validation failed; exception handlers are synchronous.
    body = ScopeState.from_scope(request.scope).body
    if isinstance(cls, type) and issubclass(cls, msgspec.Struct) and isinstance(body, bytes):
        try:
            raw = decode_json(body)
        except SerializationException:  # not JSON at all: no fields to name
            raw = None
        fouten = veldfouten(cls, raw) if raw is not None else {}
    if not fouten:
        # A path or query parameter, or JSON that could not be read.
        return Response(
            {
                "type": "about:blank",
                "title": "Ongeldig verzoek",
                "status": 400,
                "detail": "Het verzoek kon niet worden gelezen: controleer de JSON en de ids.",
            },
            status_code=400,
            media_type=PROBLEM_JSON,
        )
    return Response(
        {
            "type": "about:blank",
            "title": "De invoer klopt niet",
            "status": 422,
            # Every field's rule, once: the detail alone already says what to change.
            "detail": " ".join(dict.fromkeys(fouten.values())),
            "fouten": fouten,
        },
        status_code=422,
        media_type=PROBLEM_JSON,
    )


def _methoden(app: Any, path_template: str) -> str:
    methods: set[str] = set()
    for route in app.routes:
        if isinstance(route, HTTPRoute) and route.path_format == path_template:
            methods.update(route.route_handler_map)
    methods.add("OPTIONS")
    return ", ".join(sorted(methods))


class AllowHeader(ASGIMiddleware):
    """``Allow`` on an ``OPTIONS`` answer names every method of the resource."""

    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        if scope.get("method") != "OPTIONS":
            await next_app(scope, receive, send)
            return
        allow = _methoden(scope["litestar_app"], scope.get("path_template", ""))

        async def send_with_allow(message: Message) -> None:
            if message["type"] == "http.response.start" and message.get("status", 500) < 300:
                MutableScopeHeaders.from_message(message)["allow"] = allow
            await send(message)

        await next_app(scope, receive, send_with_allow)
