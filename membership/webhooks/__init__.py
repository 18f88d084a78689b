"""Webhooks: endpoints, signed deliveries and their retries (Standard Webhooks)."""
