"""Parameter containers used by tracker parameter files (``pytracking/parameter/<tracker>/<param>.py``)."""
from __future__ import annotations

from typing import Any


class TrackerParams:
    """Attribute bag of tracker parameters with defaults on lookup.

    >>> params = TrackerParams(); params.search_area_scale = 2.5
    >>> params.get('search_area_scale'), params.get('debug', 0)
    (2.5, 0)
    """

    _MISSING = object()

    def __init__(self, **values: Any):
        self.__dict__.update(values)

    def get(self, name: str, default: Any = _MISSING) -> Any:
        if name in self.__dict__:
            return self.__dict__[name]
        if default is TrackerParams._MISSING:
            raise AttributeError(f"tracker parameter '{name}' is not set and has no default")
        return default

    def has(self, name: str) -> bool:
        return name in self.__dict__

    def set_default(self, name: str, value: Any) -> None:
        self.__dict__.setdefault(name, value)

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v!r}" for k, v in sorted(self.__dict__.items()))
        return f"TrackerParams({inner})"
