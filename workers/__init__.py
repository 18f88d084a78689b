"""arq worker: settings, job functions per domain, cron, the relay and webhook deliveries."""
