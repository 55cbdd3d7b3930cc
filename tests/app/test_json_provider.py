"""Flask's JSON is written by orjson, and reads as Flask's own would."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal

from flask import Flask
from flask.json.provider import DefaultJSONProvider

from planner.web.json_provider import OrjsonProvider


@dataclass
class Point:
    x: int
    y: int


VALUES = {
    "zeta": 1,
    "alpha": [1.5, None, True, "naïve <b>"],
    "when": datetime(2026, 11, 25, 12, 30, tzinfo=timezone.utc),
    "day": date(2026, 11, 25),
    "price": Decimal("12.50"),
    "point": Point(1, 2),
    3: "a non-string key",
}


def test_it_writes_the_same_json_values_as_flasks_default_provider():
    app = Flask(__name__)
    ours, flasks = OrjsonProvider(app), DefaultJSONProvider(app)
    expected = {**VALUES}
    expected["3"] = expected.pop(3)  # the standard library turns keys into strings too
    assert json.loads(ours.dumps(VALUES)) == json.loads(flasks.dumps(expected))


def test_it_sorts_keys_as_flask_does_unless_told_not_to():
    provider = OrjsonProvider(Flask(__name__))
    assert provider.dumps({"b": 1, "a": 2}) == '{"a":2,"b":1}'
    assert provider.dumps({"b": 1, "a": 2}, sort_keys=False) == '{"b":1,"a":2}'


def test_the_app_answers_json_through_it(app):
    assert isinstance(app.json, OrjsonProvider)
    with app.test_request_context():
        response = app.json.response({"stage": 2})
    assert json.loads(response.get_data()) == {"stage": 2} and response.mimetype == "application/json"
