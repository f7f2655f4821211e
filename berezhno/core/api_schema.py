"""The API's schema class (setting ``DEFAULT_SCHEMA_CLASS``), apart from ``core.api``
because drf-spectacular imports DRF's generic views, which import the settings."""

from drf_spectacular import openapi
from drf_spectacular.plumbing import is_patched_serializer

from .api import VersionField


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's schema, with a PATCH body that still requires its ``VersionField``."""

    def _map_basic_serializer(self, serializer, direction):
        result = super()._map_basic_serializer(serializer, direction)
        if is_patched_serializer(serializer, direction):
            required = [f.field_name for f in serializer.fields.values()
                        if isinstance(f, VersionField) and not f.read_only]
            if required:
                result["required"] = required
        return result
