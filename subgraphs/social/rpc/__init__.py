"""What the social gRPC server serves (the contract is ``contracts/social``)."""
