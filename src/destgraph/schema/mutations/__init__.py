"""Root Mutation fields, split by feature and merged in schema.py."""
