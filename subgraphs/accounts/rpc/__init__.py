"""The accounts gRPC API (``accounts.proto``): what other services may ask about users."""
