"""The qa domain."""
