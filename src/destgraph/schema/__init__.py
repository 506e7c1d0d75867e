"""The GraphQL layer: Strawberry types, resolvers, loaders and error codes. Knows no vendor."""
