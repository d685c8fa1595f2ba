"""The engagement benchmark: a like storm and an article page through the router."""
