"""The clients articles uses to call accounts and social over gRPC (articles serves none)."""
