"""Engagement's gRPC server (``contracts/engagement/engagement.proto``)."""
