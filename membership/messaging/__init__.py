"""Reaching members: consent, channels and their providers, templates, and the one send path."""
