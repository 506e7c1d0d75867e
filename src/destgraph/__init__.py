"""destgraph: one GraphQL graph over the destination APIs of four customer-data vendors."""

__version__ = "0.1.0"
