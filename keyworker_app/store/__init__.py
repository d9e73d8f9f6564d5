"""Keyworker store layer."""
