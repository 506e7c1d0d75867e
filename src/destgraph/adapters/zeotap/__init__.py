"""The Zeotap adapter: one package holding everything the gateway knows of Zeotap's API."""

from destgraph.adapters.zeotap.adapter import PROFILE, ZeotapAdapter

__all__ = ["PROFILE", "ZeotapAdapter"]
