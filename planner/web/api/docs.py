"""The API docs page: the vendored Swagger UI, started from a static script so the CSP holds.

flask-openapi3-swagger serves Swagger UI at /api/v1/swagger; its stock page starts
it with an inline script, which our CSP (script-src 'self') blocks. This page
loads planner/static/js/swagger-init.js instead, and only this page may use
inline styles, which Swagger UI sets as it renders.
"""

from __future__ import annotations

from flask import Flask

from planner.web.security import DOCS_CSP, talisman

__all__ = ["init_app"]

#: Rendered by the plugin with `doc_url` ("openapi.json", relative to /api/v1/swagger).
SWAGGER_HTML = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="csrf-token" content="{{ csrf_token() }}">
  <title>AI Skills Planner API</title>
  <link rel="icon" href="{{ url_for('static', filename='img/mark.svg') }}" type="image/svg+xml">
  <link rel="stylesheet" href="{{ url_for('swagger.static', filename='css/swagger-ui.css') }}">
</head>
<body>
  <div id="swagger-ui" data-spec-url="{{ doc_url }}"></div>
  <script src="{{ url_for('swagger.static', filename='js/swagger-ui-bundle.js') }}"></script>
  <script src="{{ url_for('swagger.static', filename='js/swagger-ui-standalone-preset.js') }}"></script>
  <script src="{{ url_for('static', filename='js/swagger-init.js') }}"></script>
</body>
</html>
"""

#: /api/v1/: links only (the stock chooser page navigates with inline handlers).
INDEX_HTML = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>AI Skills Planner API</title>
  <link rel="stylesheet" href="{{ url_for('static', filename='css/app.css') }}">
</head>
<body>
  <main>
    <h1>AI Skills Planner API</h1>
    <ul>
      <li><a href="{{ url_for('swagger.swagger') }}">Interactive documentation (Swagger UI)</a></li>
      <li><a href="{{ url_for('openapi.doc_url') }}">OpenAPI 3 document (JSON)</a></li>
    </ul>
  </main>
</body>
</html>
"""


def init_app(app: Flask) -> None:
    app.config.setdefault("SWAGGER_HTML_STRING", SWAGGER_HTML)
    app.config.setdefault("OPENAPI_HTML_STRING", INDEX_HTML)
    talisman(content_security_policy=DOCS_CSP)(app.view_functions["swagger.swagger"])
