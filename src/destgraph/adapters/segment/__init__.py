"""The Segment adapter: one package holding everything the gateway knows of Segment's API."""

from destgraph.adapters.segment.adapter import PROFILE, SegmentAdapter

__all__ = ["PROFILE", "SegmentAdapter"]
