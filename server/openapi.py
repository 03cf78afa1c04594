"""The OpenAPI document declares the errors each route answers, with their body (``ErrorBody``).

Decided in one place from what the route is, not by hand on each one:

- 401: the route needs a token; 403: it acts as a signed-in user (a role, or the account's
  service centre, may refuse);
- 404: the route names an object in its path, or an id in its query or body;
- 409: a signed-in user's change (POST, PUT, PATCH, DELETE): the object's state may not
  allow it, or the same ``Idempotency-Key`` came with another request;
- 412 and 428: the route reads ``If-Match`` (a stale version; a required one missing);
  428 also for ``Idempotency-Key``;
- 413: the route takes a body (``BodyLimit``);
- 422: the route takes any input (path, query, header, body);
- 429: the sign-in (``TooManyRequests``).

FastAPI's own 422 (``HTTPValidationError``) is replaced: our handler answers ``ErrorBody``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute

from client.models import ErrorBody
from server.deps import bearer_token, current_user, zone_names

MUTATING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
LOGIN_PATHS = frozenset({"/auth/login"})
"""Routes that check a password: 401 when it is wrong, 429 during the lockout."""
REQUIRED_IF_MATCH = frozenset(
    {
        ("PUT", "/tickets/{ticket_id}/appliance"),
        ("PUT", "/orders/{order_id}"),
        ("DELETE", "/orders/{order_id}"),
        ("PUT", "/vouchers/{voucher_id}/centre-invoice"),
    }
)
"""Edits that answer 428 without ``If-Match`` (elsewhere it is optional)."""

IF_MATCH_PATTERN = r'^(\*|(W/)?"?[0-9]{1,9}"?)\s*$'
"""What ``services.ticket_actions.parse_if_match`` takes: ``*``, ``3``, ``"3"``, ``W/"3"``."""
REQUIRED_IF_MATCH_PATTERN = r'^(W/)?"?[0-9]{1,9}"?\s*$'
"""Where ``If-Match`` is required, ``*`` (any version) is not one: 428."""
MONTH_PATTERN = r"^\s*([1-9][0-9]{3}|0[1-9][0-9]{2}|00[1-9][0-9]|000[1-9])-(0[1-9]|1[0-2])\s*$"
"""What ``services.parts_report.month_bounds`` takes: ``YYYY-MM``."""

DESCRIPTIONS = {
    401: "not signed in, or the token expired or was revoked",
    403: "the user's role or service centre does not allow it",
    404: "no such object (or one of another service centre)",
    409: "the object's state does not allow it now, or an Idempotency-Key reused",
    412: "the object changed since the version in If-Match",
    413: "the request body is over the limit",
    422: "invalid input: the fields named in `fields`",
    428: "a required If-Match or Idempotency-Key is missing",
    429: "too many attempts: wait Retry-After seconds",
}


def _dependants(dependant: Dependant) -> Iterator[Dependant]:
    yield dependant
    for child in dependant.dependencies:
        yield from _dependants(child)


def _calls(route: APIRoute) -> set[Callable[..., Any]]:
    return {d.call for d in _dependants(route.dependant) if d.call is not None}


def _headers(route: APIRoute) -> set[str]:
    return {
        (param.alias or param.name).lower()
        for d in _dependants(route.dependant)
        for param in d.header_params
    }


def _takes_input(route: APIRoute) -> bool:
    return any(
        d.path_params or d.query_params or d.header_params or d.body_params or d.cookie_params
        for d in _dependants(route.dependant)
    )


def _names_ids(route: APIRoute) -> bool:
    if route.param_convertors:  # a path parameter
        return True
    for d in _dependants(route.dependant):
        for param in (*d.query_params, *d.body_params):
            if param.name.endswith(("_id", "_ids", "id", "ids")):
                return True
        for param in d.body_params:
            annotation = getattr(param.field_info, "annotation", None)
            fields = getattr(annotation, "model_fields", {})
            if any(name == "ids" or name.endswith(("_id", "_ids")) for name in fields):
                return True
    return False


def api_routes(app: FastAPI) -> Iterator[tuple[str, APIRoute]]:
    """Each API route with the path it is served at (FastAPI >= 0.120 keeps included
    routers as such in ``app.routes``: walk them as its OpenAPI generator does)."""
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # older FastAPI: the routes are flat
        for route in app.routes:
            if isinstance(route, APIRoute):
                yield route.path_format, route
        return
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, APIRoute):
            yield context.path_format or route.path_format, route


def error_statuses(route: APIRoute, path: str | None = None) -> set[int]:
    """The 4xx statuses ``route`` (served at ``path``) may answer."""
    statuses: set[int] = set()
    methods = route.methods or set()
    calls = _calls(route)
    if bearer_token in calls or current_user in calls:
        statuses.add(401)
    signed_in = current_user in calls
    if signed_in:
        statuses.add(403)
    if _names_ids(route):
        statuses.add(404)
    if signed_in and methods & MUTATING:
        statuses.add(409)
    headers = _headers(route)
    if "if-match" in headers:
        statuses.add(412)
        if any((m, path or route.path_format) in REQUIRED_IF_MATCH for m in methods):
            statuses.add(428)
    if "idempotency-key" in headers:
        statuses.add(428)
    if any(d.body_params for d in _dependants(route.dependant)):
        statuses.add(413)
    if _takes_input(route):
        statuses.add(422)
    if (path or route.path_format) in LOGIN_PATHS:
        statuses |= {401, 429}
    return statuses


def _error_response(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}},
    }


def build_openapi(app: FastAPI) -> dict[str, Any]:
    """The app's OpenAPI document with every route's errors declared (``ErrorBody``)."""
    schema = get_openapi(
        title=app.title,
        version=app.version,
        openapi_version=app.openapi_version,
        description=app.description,
        routes=app.routes,
    )
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for name, definition in (
        ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
        .get("$defs", {})
        .items()
    ):
        components.setdefault(name, definition)
    body = ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
    body.pop("$defs", None)
    components["ErrorBody"] = body
    paths = schema.get("paths", {})
    for path, route in api_routes(app):
        if not route.include_in_schema:
            continue
        operations = paths.get(path, {})
        statuses = error_statuses(route, path)
        for method in route.methods or ():
            operation = operations.get(method.lower())
            if operation is None:
                continue
            _describe_parameters(operation, method, path)
            responses = operation.setdefault("responses", {})
            for status in sorted(statuses):
                known = responses.get(str(status), {})
                answer = _error_response(known.get("description") or DESCRIPTIONS[status])
                responses[str(status)] = answer
            # every error we raise is an ErrorBody: a 4xx declared by hand without a body too
            for code, answer in responses.items():
                if code.startswith("4") and "content" not in answer:
                    responses[code] = _error_response(answer.get("description", ""))
            if "422" in responses and 422 not in statuses:
                del responses["422"]  # FastAPI's own, on a route that takes no input
    components["TimeZoneName"] = {
        "type": "string",
        "enum": ["", *sorted(zone_names())],
        "description": "an IANA time zone name; empty: UTC",
    }
    for unused in ("HTTPValidationError", "ValidationError"):
        if not _referenced(schema, f"#/components/schemas/{unused}"):
            components.pop(unused, None)
    return schema


def _describe_parameters(operation: dict[str, Any], method: str, path: str) -> None:
    """Say in the document what the server checks by hand: the headers' and the month's
    forms, the time zone names, the headers an edit cannot go without."""
    for parameter in operation.get("parameters", ()):
        name, where = str(parameter.get("name", "")).lower(), parameter.get("in")
        schema = parameter.setdefault("schema", {})
        if where in ("header", "query") and "anyOf" in schema:
            # ``str | None = None``: the parameter may be left out, never sent as "null"
            kept = [b for b in schema["anyOf"] if b.get("type") != "null"]
            if len(kept) == 1:
                extra = {k: v for k, v in schema.items() if k not in ("anyOf", "default")}
                schema = parameter["schema"] = {**kept[0], **extra}
        if where == "header" and name == "time-zone":
            parameter["schema"] = {"$ref": "#/components/schemas/TimeZoneName"}
        elif where == "header" and name == "if-match":
            if (method, path) in REQUIRED_IF_MATCH:
                parameter["required"] = True
                _set_pattern(schema, REQUIRED_IF_MATCH_PATTERN)
            else:
                _set_pattern(schema, IF_MATCH_PATTERN)
        elif where == "header" and name == "idempotency-key":
            parameter["required"] = True  # services.idempotency.check_key: 428 without
        elif where == "query" and name == "month":
            _set_pattern(schema, MONTH_PATTERN)


def _set_pattern(schema: dict[str, Any], pattern: str) -> None:
    """``pattern`` on the string branch of ``schema`` (``str | None`` is an ``anyOf``)."""
    for branch in schema.get("anyOf", [schema]):
        if branch.get("type") == "string":
            branch["pattern"] = pattern


def _referenced(schema: dict[str, Any], ref: str) -> bool:
    import json

    return f'"{ref}"' in json.dumps(schema)


def install_openapi(app: FastAPI) -> None:
    """``app.openapi()`` (and ``/openapi.json``, ``/docs``) serve ``build_openapi``."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = build_openapi(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
