"""What the accounts gRPC server serves (the contract is ``contracts/accounts``)."""
