"""The event backbone: behaviour events, the relay, handlers with retries and dead letters."""
