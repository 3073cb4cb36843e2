"""The base of every configuration model read from ``study.yml``.

One strict model for all pillars: an unknown key is an error (a typo must not be ignored) and a
loaded configuration cannot change under a running report.

Examples
--------
>>> class Example(StrictModel):
...     name: str
>>> Example(name="a").name
'a'
>>> Example(name="a", nmae="b")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
pydantic_core._pydantic_core.ValidationError: 1 validation error for Example
...
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class StrictModel(BaseModel):
    """A frozen pydantic model that rejects unknown keys."""

    model_config = ConfigDict(extra="forbid", frozen=True)
