"""A local stand-in for api.atlassian.com and a Jira site: ``jira-devops emulator``.

:class:`~jira_devops.emulator.server.Emulator` serves the OAuth token endpoint, tenant_info, the Builds
and Deployments APIs (validated against the bundled schema derived from Atlassian's spec), deployment
gating, and test-control endpoints, over the standard library's threaded HTTP server.
"""
