"""Allow ``python -m jira_devops``."""

from jira_devops.cli.app import main

raise SystemExit(main())
