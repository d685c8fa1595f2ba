"""The social gRPC API (``social.proto``) and the clients social uses to call others."""
