"""Keyworker: encrypted case records for family key workers and team leads."""

__version__ = "0.1.0"
PRODUCT_NAME = "Keyworker"
