"""The engagement domain."""
