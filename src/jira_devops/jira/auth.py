"""OAuth 2.0 client credentials (2LO): exchange the client ID and secret for an access token, and cache it.

The token (and the cloud IDs looked up with it) is cached in a 0600 file in a 0700 directory under the
user's cache dir, keyed by the API URL, the client ID and a hash of the secret, so that several invocations
in one job exchange credentials once and a changed secret never reuses an old token.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import httpx

from jira_devops.errors import AuthError, ConfigError, UnreachableError
from jira_devops.jira.connection import Connection
from jira_devops.jira.retry import Deadline, send_with_retries
from jira_devops.private_files import ensure_private_dir, owned_by_another_user, write_private_file
from jira_devops.redact import register_secret

log = logging.getLogger("jira_devops.jira.auth")

AUDIENCE = "api.atlassian.com"
REFRESH_MARGIN_SECONDS = 120
DEFAULT_EXPIRES_IN = 3600


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/jira-devops`` or ``~/.cache/jira-devops``."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "jira-devops"


@dataclass
class CachedCredentials:
    """What the cache file holds for one client."""

    access_token: Optional[str] = None
    expires_at: float = 0.0  # when to stop using the token: its expiry less a safety margin
    cloud_ids: dict[str, str] = field(default_factory=dict)

    def token_is_fresh(self, now: float) -> bool:
        """True until the token's refresh time."""
        return bool(self.access_token) and now < self.expires_at


class TokenCache:
    """A private file per (API URL, client ID, secret) holding the token and cloud IDs."""

    def __init__(self, directory: Path, connection: Connection) -> None:
        digest = hashlib.sha256(
            "\n".join((connection.api_url, connection.client_id,
                       hashlib.sha256(connection.client_secret.encode()).hexdigest())).encode()
        ).hexdigest()[:32]
        self.directory = directory
        self.path = directory / f"token-{digest}.json"

    def load(self) -> CachedCredentials:
        """The cached credentials, or empty ones when there is no usable file."""
        try:
            info = os.lstat(self.path)
        except FileNotFoundError:
            return CachedCredentials()
        except OSError:
            return CachedCredentials()
        self._check_safe(info)
        try:
            data: Any = json.loads(self.path.read_text(encoding="utf-8"))
            cloud_ids = data.get("cloud_ids") or {}
            cached = CachedCredentials(
                access_token=data.get("access_token"),
                expires_at=float(data.get("expires_at", 0)),
                cloud_ids={str(k): str(v) for k, v in cloud_ids.items()},
            )
        except (OSError, ValueError, AttributeError, TypeError):
            log.debug("ignoring an unreadable token cache file")
            return CachedCredentials()
        register_secret(cached.access_token)
        return cached

    def save(self, cached: CachedCredentials) -> None:
        """Write the cache atomically as a 0600 file; failures only lose the cache, never the run."""
        try:
            self._ensure_directory()
            if self.path.exists() or self.path.is_symlink():
                self._check_safe(os.lstat(self.path))
            payload = json.dumps({
                "access_token": cached.access_token,
                "expires_at": cached.expires_at,
                "cloud_ids": cached.cloud_ids,
            })
            write_private_file(self.path, payload, prefix=".token-")
        except OSError as error:
            log.debug("could not write the token cache: %s", error)

    def _ensure_directory(self) -> None:
        ensure_private_dir(self.directory, name="token cache directory", setting_hint="set --cache-dir to")

    def _check_safe(self, info: os.stat_result) -> None:
        if stat.S_ISLNK(info.st_mode):
            raise ConfigError(f"token cache file {self.path} is a symbolic link; refusing to use it",
                              hint="delete it, or set --no-token-cache")
        if owned_by_another_user(info):
            raise ConfigError(f"token cache file {self.path} belongs to another user; refusing to use it",
                              hint="delete it, or set --cache-dir to a directory of your own")


class TokenProvider:
    """Hands out a valid access token, exchanging the credentials only when needed."""

    def __init__(self, connection: Connection, http: httpx.Client, deadline: Deadline) -> None:
        self.connection = connection
        self.http = http
        self.deadline = deadline
        self.cache: Optional[TokenCache] = None
        if connection.use_token_cache:
            self.cache = TokenCache(connection.cache_dir or default_cache_dir(), connection)
        self.state = self.cache.load() if self.cache else CachedCredentials()

    def token(self) -> str:
        """A token valid for a while yet; from the cache when possible."""
        if self.state.access_token and self.state.token_is_fresh(time.time()):
            return self.state.access_token
        return self.refresh()

    def refresh(self) -> str:
        """Exchange the credentials for a new token (and remember it)."""
        url = f"{self.connection.api_url}/oauth/token"
        body = {
            "audience": AUDIENCE,
            "grant_type": "client_credentials",
            "client_id": self.connection.client_id,
            "client_secret": self.connection.client_secret,
        }
        log.debug("POST %s (client credentials for client %s)", url, self.connection.client_id)
        response = send_with_retries(
            lambda timeout: self.http.post(url, json=body, timeout=timeout),
            deadline=self.deadline,
            what="token request",
            sleep=self.connection.retry_sleep,
        )
        if response.status_code in (400, 401, 403):
            reason = _oauth_error(response)
            raise AuthError(
                f"Jira refused the OAuth credentials ({reason})",
                hint="check JIRA_CLIENT_ID and JIRA_CLIENT_SECRET against the site's OAuth credentials",
            )
        if response.status_code != 200:
            raise UnreachableError(f"token request answered HTTP {response.status_code}",
                                   hint="try again later")
        try:
            data = response.json()
            token = str(data["access_token"])
            expires_in = float(data.get("expires_in") or DEFAULT_EXPIRES_IN)
        except (ValueError, KeyError, TypeError):
            raise UnreachableError("the token endpoint answered without an access token",
                                   hint="check --api-url points at the Atlassian API") from None
        register_secret(token)
        self.state.access_token = token
        # A short-lived token keeps a proportionate margin, so it is not fetched again on every request.
        self.state.expires_at = time.time() + expires_in - min(REFRESH_MARGIN_SECONDS, expires_in / 4)
        if self.cache:
            self.cache.save(self.state)
        return token

    def cached_cloud_id(self, key: str) -> Optional[str]:
        """The cloud ID remembered for a tenant_info URL."""
        return self.state.cloud_ids.get(key)

    def remember_cloud_id(self, key: str, cloud_id: str) -> None:
        """Remember a cloud ID for a tenant_info URL in the cache."""
        self.state.cloud_ids[key] = cloud_id
        if self.cache:
            self.cache.save(self.state)


def _oauth_error(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return f"HTTP {response.status_code}"
    if isinstance(data, dict):
        error = data.get("error_description") or data.get("error") or data.get("message")
        if error:
            return f"HTTP {response.status_code}: {str(error)[:200]}"
    return f"HTTP {response.status_code}"
