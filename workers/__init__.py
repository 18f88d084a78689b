"""The worker: the relay, handlers, webhook deliveries and bulk codes; arq for the cron jobs."""
