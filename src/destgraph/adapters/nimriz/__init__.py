"""The Nimriz adapter: one package holding everything the gateway knows of Nimriz's API."""

from destgraph.adapters.nimriz.adapter import PROFILE, NimrizAdapter

__all__ = ["PROFILE", "NimrizAdapter"]
