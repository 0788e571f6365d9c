"""The OAuth 2.0 client-credentials token endpoint, as api.atlassian.com answers it.

Takes the documented JSON body (with ``audience``) and the form body older integrations send (without it).
Refusals use the OAuth error shape ``{"error": ..., "error_description": ...}``.
"""

from __future__ import annotations

import hmac
from typing import Any

from jira_devops.emulator.config import EmulatorConfig
from jira_devops.emulator.state import EmulatorState
from jira_devops.emulator.submissions import Answer

AUDIENCE = "api.atlassian.com"
SCOPE = "manage:jira-data-provider"


def oauth_error(status: int, error: str, description: str) -> Answer:
    """An OAuth error answer."""
    return Answer(status, {"error": error, "error_description": description})


def token_answer(config: EmulatorConfig, state: EmulatorState, body: Any, content_type: str) -> Answer:
    """Exchange client credentials for an access token, or refuse."""
    if not isinstance(body, dict):
        return oauth_error(400, "invalid_request", "Send a JSON or form body with the client credentials")
    if body.get("grant_type") != "client_credentials":
        return oauth_error(400, "unsupported_grant_type", "Only the client_credentials grant is supported")
    audience = body.get("audience")
    if audience is None and content_type.startswith("application/json"):
        return oauth_error(400, "invalid_request", "Missing required parameter: audience")
    if audience is not None and audience != AUDIENCE:
        return oauth_error(403, "access_denied", f"Service not found for audience {str(audience)[:100]!r}")
    client_id = str(body.get("client_id") or "")
    secret = str(body.get("client_secret") or "")
    good_id = hmac.compare_digest(client_id.encode(), config.client_id.encode())
    good_secret = hmac.compare_digest(secret.encode(), config.client_secret.encode())
    if not (good_id and good_secret):
        return oauth_error(401, "access_denied", "Unauthorized")
    token = state.issue_token(config.token_lifetime)
    return Answer(200, {"access_token": token, "expires_in": config.token_lifetime,
                        "token_type": "Bearer", "scope": SCOPE})
