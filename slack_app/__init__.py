"""Escalation handoff: a six-fact escalation packet for Slack, and engineering's verdict on it."""
