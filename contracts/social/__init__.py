"""The social gRPC contract (``social.proto``): who follows whom, as other domains ask it."""
