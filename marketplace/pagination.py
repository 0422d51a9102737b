from copy import deepcopy

from drf_spectacular.utils import OpenApiParameter
from rest_framework import pagination

# `?page_size=` as the API reads it: 1 to 100, and never a 400: more counts as 100, and what is
# not a positive whole number (`null`, `abc`, 0) gives the default page size (search: 0 → 1).
PAGE_SIZE_PARAMETER = {
    "name": "page_size",
    "in": "query",
    "required": False,
    "description": "每页条数，1–100，默认 20；超出范围或不是整数时不报错：大于 100 按 100 计，其余用默认值。",
    "schema": {"anyOf": [{"type": "integer", "minimum": 1, "maximum": 100}, {"type": "string"}]},
}
PAGE_PARAMETER = {
    "name": "page",
    "in": "query",
    "required": False,
    "description": "页码，从 1 开始；超出范围或不是正整数时 404。",
    "schema": {"type": "integer", "minimum": 1},
}


def page_parameters() -> list[OpenApiParameter]:
    """`?page=` and `?page_size=` for the schema of a list that pages by itself (search)."""
    return [
        OpenApiParameter(p["name"], p["schema"], description=p["description"])
        for p in (PAGE_PARAMETER, PAGE_SIZE_PARAMETER)
    ]


class PageNumberPagination(pagination.PageNumberPagination):
    """`?page=` and `?page_size=` (at most 100), as API.md says."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_schema_operation_parameters(self, view):
        return deepcopy([PAGE_PARAMETER, PAGE_SIZE_PARAMETER])

    def get_paginated_response_schema(self, schema):
        body = super().get_paginated_response_schema(schema)
        body["required"] = ["count", "next", "previous", "results"]
        return body
