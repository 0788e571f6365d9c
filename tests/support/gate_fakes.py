"""Shared pieces of the gating tests: a mocked Jira's addresses, gating-status bodies, a fake clock."""

from __future__ import annotations

from dataclasses import dataclass, field

from jira_devops.jira.lookup import DeploymentKey

API = "https://api.example.test"
CLOUD_ID = "11111111-2222-3333-4444-555555555555"
KEY = DeploymentKey("acme/api", "production", 42)
GATE_URL = (f"{API}/jira/deployments/0.1/cloud/{CLOUD_ID}/pipelines/acme%2Fapi/environments/production"
            "/deployments/42/gating-status")


def gate_body(status: str, **extra: object) -> dict[str, object]:
    """A gating-status body as Jira sends it, naming change request OPS-7."""
    return {
        "gatingStatus": status,
        "updatedTimestamp": "2026-01-05T10:00:00.000+00:00",
        "details": [{"type": "issue", "issueKey": "OPS-7",
                     "issueLink": "https://acme.atlassian.net/servicedesk/customer/portal/1/OPS-7"}],
        "pipelineId": "acme/api",
        "environmentId": "production",
        "deploymentSequenceNumber": 42,
        **extra,
    }


@dataclass
class FakeClock:
    """Monotonic time that only moves when the code under test sleeps."""

    now: float = 0.0
    sleeps: list[float] = field(default_factory=list)

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
