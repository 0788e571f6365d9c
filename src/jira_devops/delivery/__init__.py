"""Getting a report to Jira: orchestration, the outbox, gating."""
