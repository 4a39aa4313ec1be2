"""What every app's API router shares: authentication, the one error format, pagination.

DESIGN rule 8: the API is the second front door to the same services and selectors as the UI, so
it must refuse in the same way. An object outside the caller's scope is a 404 with exactly the
body of one that does not exist (rule 2); a permission refused inside the scope is a 403; input
the services reject is a 422 naming the field. Every refusal, from Ninja, Pydantic or Django,
leaves here as ``{"detail": ..., "errors": [{"field": ..., "message": ...}]}`` so that a device
needs one parser for all of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Annotated, Any, ClassVar, TypeVar

from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import LimitOffsetPagination
from pydantic import ConfigDict, ValidationInfo, WithJsonSchema, field_validator
from pydantic_core import PydanticCustomError

from cunzhi.core.forms import MAX_ID
from cunzhi.core.versions import stored_version
from cunzhi.core.writes import EditConflict

R = TypeVar("R", bound=models.Model)

ALL_FIELDS = NON_FIELD_ERRORS  # "__all__": an error about the request as a whole

# The parts of a Pydantic error location that say where the value came from, not which field.
_LOCATION_SOURCES = {"body", "query", "path", "header", "cookie", "form", "file"}


class ErrorItem(Schema):
    field: str = Field(..., examples=["population"])
    message: str = Field(..., examples=["Ensure this value is greater than or equal to 0."])


class ErrorOut(Schema):
    """The body of every 4xx answer."""

    detail: str
    errors: list[ErrorItem] = []


class ConflictOut(ErrorOut):
    """409 or 412: the record changed since the version the edit named."""

    current_version: int


# A larger id than a BigAutoField holds (core.forms.MAX_ID) in a path or a body once reached
# SQLite's driver, which cannot bind it (OverflowError, a 500); bounded, it is a 422.
RecordId = Annotated[int, Field(ge=1, le=MAX_ID, description="A record's id.")]
# Nobody pages past every person in China; a larger offset is not sent to the database, which
# reads an offset past 64 bits as a float and fails (a 500 on every list).
MAX_OFFSET = 2**31 - 1
# A decimal as a number or as text (``"12.50"``, which keeps every digit). The schema says which
# text: Pydantic's own says "any string", and a client sending "abc" learnt otherwise from a 422.
DecimalIn = Annotated[
    Decimal,
    WithJsonSchema(
        {"anyOf": [{"type": "number"}, {"type": "string", "pattern": r"^-?[0-9]+(\.[0-9]+)?$"}]}
    ),
]

# For the OpenAPI description of each operation; the handlers below produce these bodies.
READ_ERRORS: dict[int, type[Schema]] = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS: dict[int, type[Schema]] = {**READ_ERRORS, 403: ErrorOut}
# An edit of a stored record: it names its version (If-Match or "version"), see edit_of().
EDIT_ERRORS: dict[int, type[Schema]] = {
    **WRITE_ERRORS,
    409: ConflictOut,
    412: ConflictOut,
    428: ErrorOut,
}


class InputSchema(Schema):
    """The base of every request schema: unknown fields and NUL characters are refused.

    An unknown field is refused (422 naming it) rather than ignored, so that a typo in a device's
    PATCH never looks like a success. PostgreSQL cannot store a NUL character in text and would
    answer a 500; refusing it here makes it one more invalid input.
    """

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul_characters(cls, value: Any) -> Any:
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("NUL character")
        return value


def _null_only_where_allowed_in_schema(schema: dict[str, Any], cls: type) -> None:
    """Make the OpenAPI description say what the validator does: null only where ``nullable``.

    The fields are declared ``X | None = None`` so that a field left out is not a change, which
    Pydantic describes as "X or null" for every field; a client that believed it got a 422.
    """
    nullable: frozenset[str] = getattr(cls, "nullable", frozenset())
    for name, field_schema in schema.get("properties", {}).items():
        if name in nullable or "anyOf" not in field_schema:
            continue
        kept = [s for s in field_schema["anyOf"] if s != {"type": "null"}]
        del field_schema["anyOf"]
        if len(kept) == 1:
            field_schema.update(kept[0])
        else:
            field_schema["anyOf"] = kept
        if field_schema.get("default", "") is None:
            del field_schema["default"]


class PatchSchema(InputSchema):
    """A PATCH body: any subset of the fields; a field not sent is left as it is.

    Null is refused except for the fields in ``nullable``. A null for a text column would pass
    Django's ``full_clean`` (it skips empty values of blank fields) and fail in the database.
    The OpenAPI description says so too (``_null_only_where_allowed_in_schema``).
    """

    model_config = ConfigDict(extra="forbid", json_schema_extra=_null_only_where_allowed_in_schema)
    nullable: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="before")
    @classmethod
    def _null_only_where_allowed(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.field_name not in cls.nullable:
            raise PydanticCustomError("null", _("This field cannot be null."))
        return value


class VersionedInput(InputSchema):
    """The body of an edit of a stored record: its fields, and the version the client edited.

    The version may come in the ``If-Match`` header instead (the ETag of the GET); see edit_of().
    """

    version: int | None = Field(
        None,
        ge=0,
        le=2**31 - 1,
        description='The version you edited (from GET). Or send it as If-Match: "<version>".',
    )


class VersionedPatch(PatchSchema, VersionedInput):
    """A PATCH body of a stored record: any subset of its fields, and the version edited."""


def _if_match_version(header: str) -> int:
    """``"3"`` (or ``W/"3"``) -> 3: the ETag this API gave is the quoted version."""
    tag = header.strip().removeprefix("W/").strip('"')
    if not tag.isdigit() or len(tag) > 10:
        raise HttpError(428, _('If-Match must be the ETag of the version you edited, e.g. "3".'))
    return int(tag)


def edit_of(request: HttpRequest, payload: Schema) -> tuple[dict[str, Any], int]:
    """The fields a PATCH or PUT changes, and the version it edited.

    The version comes from ``If-Match`` or the body's ``version``; an edit that names neither is
    refused with 428 Precondition Required, so no client can write over a change it never saw by
    leaving the version out. A stale version is refused by the service (409, or 412 with
    If-Match; see install_error_handlers).
    """
    changes = payload.model_dump(exclude_unset=True)
    body_version = changes.pop("version", None)
    header = request.headers.get("If-Match")
    if header:
        version = _if_match_version(header)
        if body_version is not None and body_version != version:
            raise HttpError(428, _("If-Match and the body's version name different versions."))
        return changes, version
    if body_version is None:
        raise HttpError(
            428,
            _(
                'Name the version you edited: send If-Match: "<version>" (the ETag of the GET) '
                'or "version" in the body.'
            ),
        )
    return changes, int(body_version)


def with_etag(response: HttpResponse, record: R) -> R:
    """Tag the answer with the record's version (``ETag: "3"``) and return the record."""
    response["ETag"] = f'"{stored_version(record)}"'
    return record


def actor(request: HttpRequest) -> Any:
    """The authenticated user, whichever of the token or the session let the request in."""
    return request.auth  # type: ignore[attr-defined]


class Pagination(LimitOffsetPagination):
    """``limit``/``offset`` with a ceiling, so that nobody pulls a whole province in one call.

    A limit above the ceiling is a 422 rather than a silent cut, so a client never mistakes a
    clipped page for the end of the list.
    """

    class Input(Schema):
        limit: int = Field(50, ge=1, le=500, description="Items per page (at most 500).")
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="How many items to skip.")


def error_response(
    api: NinjaAPI,
    request: HttpRequest,
    status: int,
    detail: str,
    errors: Iterable[tuple[str, str]] = (),
    **extra: Any,
) -> HttpResponse:
    body = {
        "detail": str(detail),
        "errors": [{"field": field, "message": str(message)} for field, message in errors],
        **extra,
    }
    return api.create_response(request, body, status=status)


def _field_name(loc: Iterable[Any]) -> str:
    """("body", "payload", "population") -> "population"; ("query", "level") -> "level".

    Ninja puts the parameter's source first and, for the body, the name of the handler's body
    parameter second (each endpoint here takes one body schema); a client knows neither, only the
    JSON field it sent. An error about the body as a whole is about ``__all__``.
    """
    parts = [str(part) for part in loc]
    source = parts.pop(0) if parts and parts[0] in _LOCATION_SOURCES else ""
    if source == "body" and parts:
        parts.pop(0)
    return ".".join(parts) or ALL_FIELDS


def _pydantic_message(error: Mapping[str, Any]) -> str:
    """A translatable message for the errors a client meets; Pydantic's own text otherwise.

    Pydantic's messages are English-only. Where Django has the same message, its msgid is used
    word for word, so Django's own catalogues already translate it.
    """
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    limit = {
        "limit_value": ctx.get("ge", ctx.get("le", ctx.get("max_length", ctx.get("min_length"))))
    }
    messages: dict[str, str] = {
        "missing": _("This field is required."),
        "int_parsing": _("Enter a whole number."),
        "int_type": _("Enter a whole number."),
        "int_from_float": _("Enter a whole number."),
        "int_parsing_size": _("This number is too large."),
        "decimal_parsing": _("Enter a number."),
        "decimal_type": _("Enter a number."),
        "float_parsing": _("Enter a number."),
        "float_type": _("Enter a number."),
        "finite_number": _("Enter a finite number."),
        "string_type": _("Enter text."),
        "bool_parsing": _("Enter true or false."),
        "bool_type": _("Enter true or false."),
        "greater_than_equal": _("Ensure this value is greater than or equal to %(limit_value)s.")
        % limit,
        "less_than_equal": _("Ensure this value is less than or equal to %(limit_value)s.") % limit,
        "string_too_long": _("Ensure this value has at most %(limit_value)s characters.") % limit,
        "string_too_short": _("Ensure this value has at least %(limit_value)s characters.") % limit,
        "enum": _("Select one of: %(choices)s.") % {"choices": ctx.get("expected", "")},
        "extra_forbidden": _("This field is unknown or cannot be changed here."),
        "model_type": _("Send a JSON object."),
        "model_attributes_type": _("Send a JSON object."),
        "dict_type": _("Send a JSON object."),
    }
    if kind == "value_error" and "NUL character" in str(error.get("msg", "")):
        return _("Null characters are not allowed.")
    return messages.get(kind) or str(error.get("msg", _("Enter a valid value.")))


def install_error_handlers(api: NinjaAPI) -> None:
    """Register the one error format for every refusal the API can give."""

    def ninja_validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = [(_field_name(e.get("loc", ())), _pydantic_message(e)) for e in exc.errors]
        return error_response(api, request, 422, _("The request is not valid."), errors)

    def django_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        if hasattr(exc, "error_dict"):
            errors = [(f, m) for f, messages in exc.message_dict.items() for m in messages]
            return error_response(api, request, 422, _("The request is not valid."), errors)
        messages = exc.messages
        detail = messages[0] if len(messages) == 1 else _("The request is not valid.")
        return error_response(api, request, 422, detail, [(ALL_FIELDS, m) for m in messages])

    def edit_conflict(request: HttpRequest, exc: EditConflict) -> HttpResponse:
        # 412 when the client named its version in If-Match (RFC 9110), 409 when in the body.
        status = 412 if request.headers.get("If-Match") else 409
        version = exc.current_version
        response = error_response(api, request, status, exc.messages[0], current_version=version)
        response["ETag"] = f'"{version}"'
        return response

    def permission_denied(request: HttpRequest, exc: Exception) -> HttpResponse:
        # The exception's text is a permission codename, for logs, not for the person.
        return error_response(api, request, 403, _("You may not do this here."))

    def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        # One body for "outside your scope" and "does not exist" (DESIGN rule 2).
        return error_response(api, request, 404, _("Not found."))

    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400 and isinstance(exc.__cause__, ValueError):
            # Ninja's "Cannot parse request body": malformed JSON is one more invalid input.
            message = _("The request body is not valid JSON.")
            return error_response(api, request, 422, message, [(ALL_FIELDS, message)])
        if isinstance(exc, AuthenticationError):
            detail = exc.message if exc.message != "Unauthorized" else None
            response = error_response(
                api,
                request,
                401,
                detail or _('Sign in, or send an API token as "Authorization: Bearer cz_...".'),
            )
            response["WWW-Authenticate"] = 'Bearer realm="cunzhi"'
            return response
        if exc.status_code == 403 and "CSRF" in exc.message:
            detail = _(
                "CSRF check failed: with a browser session, send the csrftoken cookie's value "
                "in the X-CSRFToken header."
            )
            return error_response(api, request, 403, detail)
        return error_response(api, request, exc.status_code, exc.message)

    handlers: list[tuple[type[Exception], Callable[[HttpRequest, Any], HttpResponse]]] = [
        (NinjaValidationError, ninja_validation),
        (EditConflict, edit_conflict),
        (DjangoValidationError, django_validation),
        (PermissionDenied, permission_denied),
        (Http404, not_found),
        (ObjectDoesNotExist, not_found),
        (HttpError, http_error),
    ]
    for exc_class, handler in handlers:
        api.add_exception_handler(exc_class, handler)


def label_of(choices: type[models.TextChoices], value: str) -> str:
    """The translated label of a choice, for list payloads.

    ``get_FOO_display`` rebuilds the field's choice map on every call, which measured at about a
    third of a 100-row region list (benchmarks/bench_api.py); the enum lookup is a dict hit.
    """
    try:
        return str(choices(value).label)
    except ValueError:
        return value
