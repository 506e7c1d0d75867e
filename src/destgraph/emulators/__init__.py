"""Emulators of the four vendor APIs: stateful HTTP servers built from the vendors' documents.

The gateway never imports this package, except ``serve --demo`` which starts it. See each
vendor package's docstring for the sources of its quirks and what it does not emulate.
"""

from destgraph.emulators.registry import VENDOR_NAMES, create_app, vendor_spec, vendor_specs

__all__ = ["VENDOR_NAMES", "create_app", "vendor_spec", "vendor_specs"]
