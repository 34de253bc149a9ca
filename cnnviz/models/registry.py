"""The model registry: every network of the book by name, with its paper's metadata.

Each family file ends with its registrations, one :func:`register` call per name: the name, its public
builder, the paper's metadata, and (apart from the metadata) the builder arguments the name fixes::

    register("resnet50", resnet, family="ResNet", paper=HE2016, input_size=(3, 224, 224),
             dataset="ImageNet", kwargs={"depth": 50})

``cnnviz.models.get(name, **kwargs)`` builds one; ``names(family=..., dataset=...)`` lists them. Unknown
names, families, datasets and keyword arguments raise errors that list what is valid.
"""

from __future__ import annotations

import difflib
import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from torch import nn


@dataclass(frozen=True)
class Paper:
    title: str
    authors: str
    year: int
    arxiv: str | None  # arXiv id, e.g. "1512.03385"; None where the paper is not on arXiv
    bibkey: str  # key in cnnviz/references.bib


@dataclass(frozen=True)
class ModelInfo:
    """What the registry knows about a name: the paper's metadata, and how to build it."""

    name: str
    family: str  # the book's chapter family, e.g. "ResNet", "ResNet (CIFAR)", "DenseNet"
    paper: Paper
    builder: Callable[..., nn.Module]  # a public builder of the family file
    input_size: tuple[int, int, int]  # nominal (C, H, W)
    dataset: str  # "ImageNet" or "CIFAR-10"
    # The error the lecture notes quote for this network (fraction), and what kind of error it is.
    reported_error: float | None = None
    error_metric: str | None = None
    description: str = ""
    # Builder arguments this name fixes (resnet50 is ``resnet`` with depth=50); a reader cannot override them.
    kwargs: Mapping[str, object] = field(default_factory=dict)


_REGISTRY: dict[str, ModelInfo] = {}


def register(
    name: str,
    builder: Callable[..., nn.Module],
    *,
    family: str,
    paper: Paper,
    input_size: tuple[int, int, int],
    dataset: str,
    reported_error: float | None = None,
    error_metric: str | None = None,
    description: str = "",
    kwargs: Mapping[str, object] | None = None,
) -> None:
    """Register ``builder`` as ``name``, with the paper's metadata; ``kwargs`` are the builder arguments
    this name fixes.

    One builder may be registered under several names with different ``kwargs`` (``resnet18`` ..
    ``resnet152`` are ``resnet`` with ``kwargs={"depth": 18}`` ..). ``description`` defaults to the first
    line of the builder's docstring. Names are listed in registration order, the book's order.
    """
    if name in _REGISTRY:
        raise ValueError(f"model name {name!r} is registered twice")
    if builder.__name__.startswith("_"):
        raise ValueError(f"register({name!r}): the builder {builder.__name__} must be public (no leading _)")
    kwargs = dict(kwargs or {})
    params = inspect.signature(builder).parameters
    unknown = [k for k in kwargs if k not in params]
    if unknown:
        raise ValueError(
            f"register({name!r}): {builder.__name__} takes no argument {', '.join(map(repr, unknown))}; "
            f"valid: {', '.join(params)}"
        )
    _REGISTRY[name] = ModelInfo(
        name=name,
        family=family,
        paper=paper,
        builder=builder,
        input_size=input_size,
        dataset=dataset,
        reported_error=reported_error,
        error_metric=error_metric,
        description=description or (inspect.getdoc(builder) or "").split("\n")[0],
        kwargs=kwargs,
    )


def families() -> list[str]:
    """The registered families, in book order."""
    return list(dict.fromkeys(entry.family for entry in _REGISTRY.values()))


def datasets() -> list[str]:
    """The datasets the registered networks are built for, in book order."""
    return list(dict.fromkeys(entry.dataset for entry in _REGISTRY.values()))


def names(*, family: str | None = None, dataset: str | None = None) -> list[str]:
    """The registered model names in registration order (the book's), optionally of one ``family`` and/or
    one ``dataset``; an unknown family or dataset raises a ValueError listing the valid ones.

    >>> names(family="ResNet (CIFAR)", dataset="CIFAR-10")[:2]  # doctest: +SKIP
    ['resnet20', 'resnet32']
    """
    for param, value, valid in (("family", family, families()), ("dataset", dataset, datasets())):
        if value is not None and value not in valid:
            raise ValueError(
                f"models.names: unknown {param} {value!r}; valid: {', '.join(map(repr, valid))}"
            )
    return [
        entry.name
        for entry in _REGISTRY.values()
        if (family is None or entry.family == family) and (dataset is None or entry.dataset == dataset)
    ]


def info(name: str) -> ModelInfo:
    """The metadata of ``name``; ``KeyError`` with close matches for an unknown name."""
    try:
        return _REGISTRY[name]
    except KeyError:
        close = difflib.get_close_matches(str(name), _REGISTRY, n=3, cutoff=0.5)
        hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        raise KeyError(
            f"unknown model name {name!r}.{hint} Known models: {', '.join(_REGISTRY)}"
        ) from None


def kwargs_of(name: str) -> dict[str, inspect.Parameter]:
    """The keyword arguments a reader may pass to ``get(name, ...)`` (those not fixed by the name)."""
    entry = info(name)
    params = inspect.signature(entry.builder).parameters
    return {k: p for k, p in params.items() if k not in entry.kwargs}


def get(name: str, **kwargs: object) -> nn.Module:
    """Build the registered model ``name``; ``kwargs`` override the builder's defaults."""
    entry = info(name)
    allowed = kwargs_of(name)
    for key in kwargs:
        if key not in allowed:
            valid = ", ".join(allowed) or "none"
            raise ValueError(
                f"{name}: unknown keyword argument {key!r}; valid keyword arguments: {valid}"
            )
    return entry.builder(**entry.kwargs, **kwargs)


# --- torchvision weights -----------------------------------------------------------------------

@dataclass(frozen=True)
class TorchvisionEquivalent:
    """How to build the cnnviz model that equals torchvision's ``tv_name`` and rename its weights."""

    tv_name: str
    build: Callable[[], nn.Module]
    # Maps a torchvision state-dict key to the cnnviz key (identity where the module names agree).
    rename: Callable[[str], str] = staticmethod(lambda key: key)  # type: ignore[assignment]


_TORCHVISION: dict[str, TorchvisionEquivalent] = {}


def register_torchvision(
    tv_name: str, build: Callable[[], nn.Module], rename: Callable[[str], str] | None = None
) -> None:
    if tv_name in _TORCHVISION:
        raise ValueError(f"torchvision name {tv_name!r} is registered twice")
    _TORCHVISION[tv_name] = TorchvisionEquivalent(tv_name, build, rename or (lambda key: key))


def torchvision_names() -> list[str]:
    return list(_TORCHVISION)


def from_torchvision(name: str, state_dict: Mapping[str, object]) -> nn.Module:
    """The cnnviz model equal to torchvision's model ``name``, loaded with ``state_dict``.

    ``state_dict`` is what ``torchvision.models.<name>(weights=...).state_dict()`` returns (or
    ``torch.load`` of a saved one). Torchvision is not needed: the key names and shapes are pinned
    in the tests. Missing, unexpected or mis-shaped keys raise a ``ValueError`` that lists them.
    """
    try:
        entry = _TORCHVISION[name]
    except KeyError:
        close = difflib.get_close_matches(str(name), _TORCHVISION, n=3, cutoff=0.5)
        hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        raise KeyError(
            f"from_torchvision: unknown torchvision model {name!r}.{hint} "
            f"Supported: {', '.join(_TORCHVISION)}"
        ) from None
    model = entry.build()
    renamed = {entry.rename(k): v for k, v in state_dict.items()}
    own = model.state_dict()
    missing = sorted(set(own) - set(renamed))
    unexpected = sorted(set(renamed) - set(own))
    misshaped = sorted(
        f"{k}: expected {tuple(own[k].shape)}, got {tuple(renamed[k].shape)}"  # type: ignore[union-attr]
        for k in set(own) & set(renamed)
        if tuple(own[k].shape) != tuple(getattr(renamed[k], "shape", ()))
    )
    if missing or unexpected or misshaped:
        parts = []
        for label, items in (("missing", missing), ("unexpected", unexpected), ("wrong shape", misshaped)):
            if items:
                shown = ", ".join(items[:5]) + (f" (+{len(items) - 5} more)" if len(items) > 5 else "")
                parts.append(f"{label} keys: {shown}")
        raise ValueError(
            f"from_torchvision({name!r}): the state_dict does not match torchvision's {name}; "
            + "; ".join(parts)
        )
    model.load_state_dict(renamed)
    return model
