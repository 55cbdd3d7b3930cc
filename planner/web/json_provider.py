"""Flask's JSON output written by orjson.

Every API answer and every session cookie goes through the app's JSON provider;
orjson writes the same JSON several times faster than the standard library, which
is a visible share of a cached request. Reading JSON stays with the standard
library (request bodies are small, and it accepts integers of any size, so an
over-large number is refused by validation with a 422 naming the field).
A body nested too deeply for it is a bad request like any other unreadable body.
"""

from __future__ import annotations

from typing import Any

import orjson
from flask.json.provider import DefaultJSONProvider

__all__ = ["OrjsonProvider"]

# Dates and dataclasses go to Flask's `default`, so they are written as Flask writes them.
_OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


class OrjsonProvider(DefaultJSONProvider):
    """`DefaultJSONProvider` with orjson's `dumps`: the same types and key order, compact unless asked to indent."""

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        option = _OPTIONS
        if kwargs.get("sort_keys", self.sort_keys):
            option |= orjson.OPT_SORT_KEYS
        if kwargs.get("indent"):
            option |= orjson.OPT_INDENT_2
        return orjson.dumps(obj, default=kwargs.get("default", self.default), option=option).decode()

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        """The standard library's `loads`; JSON nested too deeply is a `ValueError` (Flask answers 400)."""
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None
