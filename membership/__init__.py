"""Headless, multi-tenant membership and loyalty platform."""

__version__ = "0.1.0"
