"""The JSON API at /api/v1: one NinjaAPI, each app adds its router (DESIGN rule 8)."""

from ninja import NinjaAPI

api = NinjaAPI(title="Cunzhi API", version="1", urls_namespace="api")
