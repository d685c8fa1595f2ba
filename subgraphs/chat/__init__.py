"""The chat domain."""
