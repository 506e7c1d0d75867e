"""Use cases over the unified model: one module per concern, no GraphQL and no vendor JSON."""
