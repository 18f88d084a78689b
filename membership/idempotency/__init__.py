"""Idempotency keys of money-like writes (points, orders, coupons, rewards, consents, events)."""
