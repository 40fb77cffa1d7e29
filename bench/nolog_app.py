"""Benchmark only: the app (with the JSON page of ``json_app``) with the access-log write
replaced by a no-op.

``bench/web.py`` serves this factory for the "logging off" run of the same page, to measure
what access logging costs per request. It is not a switch of the application: production
has no way to turn the verwerkingenlog off, and nothing outside ``bench/`` imports this.

    uvicorn --factory nolog_app:create_app   (with bench/ on the path)
"""

from __future__ import annotations

import sys
from typing import Any

import benchdb  # noqa: F401 - puts the project root on sys.path
import json_app

from casushub.tenants.verwerkingenlog import services
from casushub.web import app as web_app

__all__ = ["create_app"]


async def _no_record(*_args: Any, **_kwargs: Any) -> None:
    return None


async def _no_record_many(*_args: Any, **_kwargs: Any) -> None:
    return None


def create_app() -> Any:
    app = json_app.create_app(web_app.create_app())
    # After the app is built every module that writes the log is imported; replace the
    # function wherever it was imported, under any name (``toegang.log`` is ``record``).
    stubs = {id(services.record): _no_record, id(services.record_many): _no_record_many}
    for module in list(sys.modules.values()):
        if not getattr(module, "__name__", "").startswith("casushub"):
            continue
        for name, value in list(vars(module).items()):
            if id(value) in stubs:
                setattr(module, name, stubs[id(value)])
    return app
