"""Building a model from values already checked, by setting pydantic's own slots.

A validated :class:`~dunletters.models.Account` read back from the journal, or built
from a row of text cells that went through the model's own validators, needs no second
validation: only the object. ``BaseModel.model_construct`` builds it field by field
(aliases, defaults); :func:`build` sets the four slots pydantic itself sets, which is
a large share of a record's cost in a batch (benchmarks/NOTES.md#records).

Those slots are pydantic's internals, right for :data:`PYDANTIC_VERSIONS` only
(pyproject pins the same range): :data:`ENABLED` is false on any other version, with a
:class:`~dunletters.gates.LibraryVersionWarning`, and the callers validate through
pydantic's public API instead. Tests compare both paths' objects and ``__getstate__``.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import VERSION, BaseModel

from dunletters import gates

__all__ = ["ENABLED", "PYDANTIC_VERSIONS", "build", "enabled_for"]

PYDANTIC_VERSIONS = ("2.14", "2.15")
"""The pydantic releases whose model slots :func:`build` sets (from the first, up to the
second)."""

Model = TypeVar("Model", bound=BaseModel)


def enabled_for(version: str) -> bool:
    """Whether :func:`build` fits this pydantic version; warns when it does not."""
    if gates.within(version, *PYDANTIC_VERSIONS):
        return True
    gates.stand_down("记录的快速构建", "pydantic", version, *PYDANTIC_VERSIONS)
    return False


ENABLED = enabled_for(VERSION)
"""Whether this process builds records by :func:`build` (else through pydantic)."""

_set_dict = BaseModel.__dict__["__dict__"].__set__
_set_fields_set = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__


def build(cls: type[Model], values: dict[str, Any], fields_set: set[str]) -> Model:
    """A model of checked values, as ``model_construct`` builds one for a model with no
    extras, private attributes or post-init (every field in ``values``, in order)."""
    model = cls.__new__(cls)
    _set_dict(model, values)
    _set_fields_set(model, fields_set)
    _set_extra(model, None)
    _set_private(model, None)
    return model
