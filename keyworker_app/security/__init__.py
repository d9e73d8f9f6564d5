"""Keyworker security layer."""
