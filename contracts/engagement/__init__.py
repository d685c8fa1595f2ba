"""The engagement service's internal gRPC API and its typed client."""
