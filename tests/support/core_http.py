"""Constants and URL helpers shared by the unit tests of the HTTP client (mocked with respx)."""

from __future__ import annotations

API = "https://api.example.test"
SITE = "https://acme.atlassian.net"
CLOUD_ID = "0f1e2d3c-aaaa-bbbb-cccc-000000000001"
SECRET = "s3cr3t-Client-Value-9876"
TOKEN = "tok-ABCDEF-0123456789"



def builds_url(path: str = "/bulk") -> str:
    """The URL of a builds endpoint on the mocked site."""
    return f"/jira/builds/0.1/cloud/{CLOUD_ID}{path}"


def deployments_url(path: str = "/bulk") -> str:
    """The URL of a deployments endpoint on the mocked site."""
    return f"/jira/deployments/0.1/cloud/{CLOUD_ID}{path}"
