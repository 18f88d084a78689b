"""arq worker: settings, job functions per domain, cron, and the outbox relay."""
