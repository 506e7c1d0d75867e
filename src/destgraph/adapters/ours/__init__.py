"""The Ours adapter: one package holding everything the gateway knows of Ours's API."""

from destgraph.adapters.ours.adapter import PROFILE, OursAdapter

__all__ = ["PROFILE", "OursAdapter"]
