"""Delivering what the outbox holds to Slack, with retries, backoff and plain-words failures."""
