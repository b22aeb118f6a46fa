"""Import aiogram with its pydantic schemas built on first use instead of all at import.

aiogram's `aiogram.types` ends with a loop that calls `model_rebuild` on each of its 300+
types. Every rebuild compiles a full pydantic-core validator and serializer, with the nested
types copied inline, so `import aiogram` alone costs about 150 MiB, more than the rest of an
instance together (bench/instance_memory.py). The staff bot meets a few dozen of those types.

Here the import runs with those rebuilds skipped. The types are declared `defer_build`, so
pydantic builds each one the first time it validates or serializes. For that it must resolve the
forward references that aiogram imports only for type checkers; they are added to the namespaces
of aiogram's type and method modules, which is exactly the namespace the skipped loop passed.
If a future aiogram no longer rebuilds at import, nothing is skipped and nothing is added.
tests/telegram/test_aiogram_schemas.py builds every type and method this way.
"""

from __future__ import annotations

import sys
from typing import Any

from pydantic import BaseModel

_LAZY_MODULES = ("aiogram.types.", "aiogram.methods.")


def import_aiogram_with_lazy_schemas() -> None:
    """Import aiogram once; a no-op when something imported it before."""
    if "aiogram" in sys.modules:
        return
    namespace = _import_skipping_type_rebuilds()
    if namespace is not None:
        _add_forward_references(namespace)


def _import_skipping_type_rebuilds() -> dict[str, Any] | None:
    skipped: dict[str, dict[str, Any]] = {}
    original = BaseModel.__dict__["model_rebuild"]

    def rebuild(cls: type[BaseModel], *args: Any, _types_namespace: Any = None,
                **kwargs: Any) -> bool | None:
        if _types_namespace is not None and cls.__module__.startswith("aiogram.types."):
            skipped.setdefault("namespace", dict(_types_namespace))
            return None
        return original.__func__(cls, *args, _types_namespace=_types_namespace, **kwargs)

    BaseModel.model_rebuild = classmethod(rebuild)  # type: ignore[method-assign,assignment]
    try:
        import aiogram
        import aiogram.methods
        import aiogram.types  # noqa: F401
    finally:
        BaseModel.model_rebuild = original  # type: ignore[method-assign]
    return skipped.get("namespace")


def _add_forward_references(namespace: dict[str, Any]) -> None:
    for name, module in list(sys.modules.items()):
        if module is not None and name.startswith(_LAZY_MODULES):
            for symbol, value in namespace.items():
                vars(module).setdefault(symbol, value)
