"""The household register over JSON: households, residents, search and the audited reveal.

Reads go through ``cunzhi.registry.selectors`` and writes through ``cunzhi.registry.services``,
as the register's pages do (DESIGN rules 2, 3 and 8). Every resident leaves here through
``selectors.present`` (every household through ``present_households`` or ``household_detail``):
the schemas read the presented ``shown_*`` attributes, never the raw numbers, so ID and phone
numbers are masked in every answer and sensitive tags appear only for a reader who may reveal
them. The one way to see the full numbers is ``POST /residents/{id}/reveal``, a write that
leaves a trace (``reveal.resident_reveal``), as the page's reveal button is.

The schemas are in ``schemas.py``, the router and shared helpers in ``common.py``, the endpoints
in ``records.py`` and ``operations.py`` (imported here so that they register, in this order);
``router`` is added in ``cunzhi/api.py``.
"""

from cunzhi.registry.api import operations, records  # noqa: F401  (the endpoints register)
from cunzhi.registry.api.common import router

# The operation ids clients know (``cunzhi_registry_api_<handler>``) stay what they were before
# the endpoints moved into submodules: Ninja would otherwise name each by its new module.
for _path_view in router.path_operations.values():
    for _operation in _path_view.operations:
        _operation.operation_id = _operation.operation_id or (
            f"cunzhi_registry_api_{_operation.view_func.__name__}"
        )

__all__ = ["router"]
