"""The generated OpenAPI document is valid and complete, and its docs page works under the CSP."""

from __future__ import annotations

import re

import schemathesis

from api.test_endpoints import ROUTES
from planner.web.api import BLUEPRINTS

DOCUMENT = "/api/v1/openapi.json"


def operations(document: dict) -> set[tuple[str, str]]:
    return {(method.upper(), path) for path, item in document["paths"].items() for method in item}


def test_the_document_is_valid_openapi_3(app):
    schema = schemathesis.openapi.from_wsgi(DOCUMENT, app)
    schema.validate()
    assert schema.raw_schema["openapi"].startswith("3.")


def test_the_document_lists_every_api_route_and_nothing_else(app, client):
    api_endpoints = {bp.name for bp in BLUEPRINTS}
    routed = {
        (method, re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule))
        for rule in app.url_map.iter_rules() if rule.endpoint.partition(".")[0] in api_endpoints
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert operations(client.get(DOCUMENT).get_json()) == routed
    assert len(routed) == len(ROUTES), "tests/api/test_endpoints.py walks every route"


def test_every_operation_requires_a_bearer_token_or_a_session(client):
    document = client.get(DOCUMENT).get_json()
    assert set(document["components"]["securitySchemes"]) == {"bearer", "session"}
    for item in document["paths"].values():
        for operation in item.values():
            assert operation["security"] == [{"bearer": []}, {"session": []}]
            assert {"401", "422"} <= operation["responses"].keys()


def test_422_is_documented_as_the_error_shape_with_field_paths(client):
    document = client.get(DOCUMENT).get_json()
    problem = document["components"]["schemas"]["ValidationProblem"]
    assert problem["properties"]["error"] == {"$ref": "#/components/schemas/ValidationDetail"}
    assert "fields" in document["components"]["schemas"]["ValidationDetail"]["properties"]


def test_the_docs_page_runs_no_inline_script_and_relaxes_only_its_styles(client):
    response = client.get("/api/v1/swagger")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.findall(r"<script(?![^>]*\bsrc=)", page) == [], "every script is a file"
    assert "/static/js/swagger-init.js" in page and 'data-spec-url="openapi.json"' in page
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "style-src 'self' 'unsafe-inline'" in policy
    assert "style-src 'self';" in client.get(DOCUMENT).headers["Content-Security-Policy"]


def test_the_docs_page_assets_are_served_from_here(client):
    page = client.get("/api/v1/swagger").get_data(as_text=True)
    for asset in re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', page):
        assert client.get(asset).status_code == 200, asset


def test_the_api_index_links_to_the_docs_without_inline_script(client):
    page = client.get("/api/v1/").get_data(as_text=True)
    assert 'href="/api/v1/swagger"' in page and 'href="/api/v1/openapi.json"' in page
    assert "<script" not in page and "onclick" not in page
