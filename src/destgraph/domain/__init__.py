"""The gateway's vendor-neutral core: the unified model, ids and cursors, the masking policy and FQL.

Nothing here imports a vendor adapter, an emulator or GraphQL; everything above depends on it.
"""
