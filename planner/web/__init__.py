"""The web app: page, API and sign-in blueprints around the services.

`create_app` builds everything; nothing runs at import time. Production:

    gunicorn --workers 2 --bind 127.0.0.1:8000 'planner.web:create_app()'
"""

from __future__ import annotations

from typing import Any

from flask_openapi3 import Info, OpenAPI

from planner.loaders import PROJECT_ROOT

__all__ = ["create_app"]


def create_app(test_config: dict[str, Any] | None = None) -> OpenAPI:
    """Create the app; `test_config` overrides configuration (tests, embedding)."""
    from planner.web import api, auth, config, database, denied, errors, pages, security, sso
    from planner.web.json_provider import OrjsonProvider

    app = OpenAPI(
        __name__,
        info=Info(title="AI Skills Planner API", version="1",
                  description="Skills, organisational stage, hiring plans and roadmaps on the EAISM model."),
        security_schemes={
            "bearer": {"type": "http", "scheme": "bearer"},
            "session": {"type": "apiKey", "in": "cookie", "name": "session"},
        },
        validation_error_model=api.ValidationProblem, validation_error_callback=api.validation_problem,
        doc_prefix="/api/v1",
        doc_url="/openapi.json",
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "planner" / "static"),
        instance_relative_config=True,
    )
    app.json = OrjsonProvider(app)
    config.load_config(app, test_config)
    database.init_app(app)
    security.init_app(app)
    auth.init_app(app)
    sso.init_app(app)
    denied.init_app(app)
    errors.init_app(app)
    pages.init_app(app)
    api.init_app(app)
    return app
