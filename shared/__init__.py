"""Shared infrastructure every Beyond service uses the same way; no domain logic."""
