"""The four emulators by name, and the port each gets under ``destgraph emulate``."""

from __future__ import annotations

import importlib

from starlette.applications import Starlette

from destgraph.emulators.core import Clock, SeedOptions, VendorSpec, create_emulator_app
from destgraph.emulators.core.app import DEFAULT_TOKEN

#: in port order: segment on port-base+1, ours +2, zeotap +3, nimriz +4
VENDOR_NAMES = ("segment", "ours", "zeotap", "nimriz")


def vendor_spec(name: str) -> VendorSpec:
    if name not in VENDOR_NAMES:
        raise KeyError(f"no emulator named {name!r}; choose from {', '.join(VENDOR_NAMES)}")
    spec: VendorSpec = importlib.import_module(f"destgraph.emulators.{name}").SPEC
    return spec


def vendor_specs() -> list[VendorSpec]:
    return [vendor_spec(name) for name in VENDOR_NAMES]


def create_app(
    name: str,
    *,
    options: SeedOptions | None = None,
    token: str = DEFAULT_TOKEN,
    clock: Clock | None = None,
    rate_limits: bool = True,
) -> Starlette:
    return create_emulator_app(vendor_spec(name), options=options, token=token, clock=clock, rate_limits=rate_limits)
