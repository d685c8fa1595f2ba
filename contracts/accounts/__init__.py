"""The accounts gRPC contract (``accounts.proto``): what other domains may ask about users."""
