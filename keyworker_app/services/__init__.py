"""Keyworker services layer."""
