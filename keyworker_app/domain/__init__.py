"""Keyworker domain layer."""
