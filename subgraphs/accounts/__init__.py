"""The accounts domain: users, credentials, verification codes and tokens."""
