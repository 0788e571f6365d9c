"""Allow ``python -m jira_devops``."""

from jira_devops.cli import main

raise SystemExit(main())
