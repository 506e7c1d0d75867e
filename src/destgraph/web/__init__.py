"""What a browser app needs of the gateway's HTTP side: CORS, compression, answers in parts
(@defer, @stream) and cacheable GETs."""

from destgraph.web import http_cache, incremental
from destgraph.web.compression import Compression
from destgraph.web.cors import GatewayCORS

__all__ = ["Compression", "GatewayCORS", "http_cache", "incremental"]
