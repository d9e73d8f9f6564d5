"""Keyworker gui layer."""
