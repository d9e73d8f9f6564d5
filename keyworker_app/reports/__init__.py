"""Keyworker reports layer."""
