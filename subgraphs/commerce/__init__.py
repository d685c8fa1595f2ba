"""The commerce domain."""
