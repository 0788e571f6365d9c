"""Talking to Jira: credentials and tokens, the HTTP client and its retries, the API models and payloads."""
