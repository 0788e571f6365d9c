"""OAuth 2.0 client credentials (2LO): exchange the client ID and secret for an access token, and cache it.

The token (and the cloud IDs looked up with it) is cached in a 0600 file in a 0700 directory under the
user's cache dir, keyed by the API URL, the client ID and a hash of the secret, so that several invocations
in one job exchange credentials once and a changed secret never reuses an old token.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import httpx

from jira_devops.bounded_http import fetch, parse_json
from jira_devops.errors import AuthError, ConfigError, UnreachableError
from jira_devops.jira.connection import Connection
from jira_devops.jira.retry import Deadline, send_with_retries
from jira_devops.private_files import (
    ensure_private_dir,
    owned_by_another_user,
    private_location,
    write_private_file,
)
from jira_devops.redact import register_secret

log = logging.getLogger("jira_devops.jira.auth")

AUDIENCE = "api.atlassian.com"
REFRESH_MARGIN_SECONDS = 120
DEFAULT_EXPIRES_IN = 3600
MAX_EXPIRES_IN = 24 * 3600  # a longer claim is capped: a cached token is re-fetched at least daily


def default_cache_dir() -> Path:
    """The user's cache folder for jira-devops (``$XDG_CACHE_HOME/jira-devops`` on Linux; per platformdirs)."""
    import platformdirs  # noqa: PLC0415 - only when the token cache is used

    return Path(platformdirs.user_cache_dir("jira-devops", appauthor=False))


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
    """A private file per (API URL, client ID, secret) holding the token and cloud IDs.

    Cache problems (a symbolic link, another user's file or folder, a full disk) never fail a run: the
    first one is kept in :attr:`problem` (for one warning) and the cache is off for the rest of the run.
    """

    def __init__(self, directory: Path, connection: Connection) -> None:
        digest = hashlib.sha256(
            "\n".join((connection.api_url, connection.client_id,
                       hashlib.sha256(connection.client_secret.encode()).hexdigest())).encode()
        ).hexdigest()[:32]
        self.directory = private_location(directory)
        self.path = self.directory / f"token-{digest}.json"
        self.problem: Optional[str] = None

    def load(self) -> CachedCredentials:
        """The cached credentials, or empty ones when there is no usable file."""
        try:
            info = os.lstat(self.path)
        except OSError:
            return CachedCredentials()
        try:
            self._ensure_directory()  # exists already: only checked (a plain folder of this user's)
            self._check_safe(info)
        except ConfigError as error:
            self._give_up(error.one_line())
            return CachedCredentials()
        try:
            data: Any = json.loads(self.path.read_text(encoding="utf-8"))
            cloud_ids = data.get("cloud_ids") or {}
            token = data.get("access_token")
            expires_at = float(data.get("expires_at", 0))
            cached = CachedCredentials(
                access_token=token if isinstance(token, str) else None,
                # A lifetime that is not a finite number, or longer than any token lives, is not believed.
                expires_at=expires_at if math.isfinite(expires_at) and expires_at < time.time() + MAX_EXPIRES_IN
                else 0.0,
                cloud_ids={str(k): str(v) for k, v in cloud_ids.items()},
            )
        except (OSError, ValueError, AttributeError, TypeError, RecursionError):
            log.debug("ignoring an unreadable token cache file")
            return CachedCredentials()
        register_secret(cached.access_token)
        return cached

    def save(self, cached: CachedCredentials) -> None:
        """Write the cache atomically as a 0600 file; failures only lose the cache, never the run."""
        if self.problem is not None:
            return
        try:
            self._ensure_directory()
            if self.path.exists() or self.path.is_symlink():
                self._check_safe(os.lstat(self.path))
            payload = json.dumps({
                "access_token": cached.access_token,
                "expires_at": cached.expires_at,
                "cloud_ids": cached.cloud_ids,
            }, allow_nan=False)
            write_private_file(self.path, payload, prefix=".token-")
        except ConfigError as error:
            self._give_up(error.one_line())
        except (OSError, ValueError) as error:
            log.debug("could not write the token cache: %s", error)

    def _give_up(self, why: str) -> None:
        if self.problem is None:
            self.problem = f"running without the token cache: {why}"

    def _ensure_directory(self) -> None:
        ensure_private_dir(self.directory, name="token cache directory", setting_hint="set --cache-dir to")

    def _check_safe(self, info: os.stat_result) -> None:
        if stat.S_ISLNK(info.st_mode):
            raise ConfigError(f"token cache file {self.path} is a symbolic link; refusing to use it",
                              hint="delete it, or set --no-token-cache")
        if owned_by_another_user(info):
            raise ConfigError(f"token cache file {self.path} belongs to another user; refusing to use it",
                              hint="delete it, or set --cache-dir to a directory of your own")
        if not stat.S_ISREG(info.st_mode):
            raise ConfigError(f"token cache file {self.path} is not a plain file; refusing to use it",
                              hint="delete it, or set --no-token-cache")


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
        self.single_use = False  # the token in hand must not be cached (its lifetime made no sense)

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
            lambda timeout: fetch(self.http, "POST", url, json=body, timeout=timeout),
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
            data = parse_json(response.content)
            token = data["access_token"]
            if not isinstance(token, str) or not token.strip():
                raise TypeError("no token")
            expires_in = token_lifetime(data.get("expires_in"))
        except (ValueError, KeyError, TypeError, AttributeError):
            raise UnreachableError("the token endpoint answered without an access token",
                                   hint="check --api-url points at the Atlassian API") from None
        register_secret(token)
        self.state.access_token = token
        if expires_in is None:
            # A lifetime that is zero, negative or not a number: use the token for this run, never cache it.
            self.state.expires_at = float("inf")
            self.single_use = True
            return token
        # A short-lived token keeps a proportionate margin, so it is not fetched again on every request.
        self.state.expires_at = time.time() + expires_in - min(REFRESH_MARGIN_SECONDS, expires_in / 4)
        self.single_use = False
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
            token = None if self.single_use else self.state.access_token
            self.cache.save(CachedCredentials(token, self.state.expires_at if token else 0.0, self.state.cloud_ids))

    @property
    def warnings(self) -> list[str]:
        """Problems worth one warning line (the token cache could not be used)."""
        return [self.cache.problem] if self.cache and self.cache.problem else []


def token_lifetime(value: Any) -> Optional[float]:
    """Seconds a token lives from the answer's ``expires_in``; ``None`` when it is 0, negative, inf or NaN.

    A missing value means Atlassian's usual hour.
    """
    if value is None or value == "":
        return float(DEFAULT_EXPIRES_IN)
    if isinstance(value, bool):
        return None
    seconds = float(value)  # ValueError/TypeError: the answer is malformed
    if not math.isfinite(seconds) or seconds <= 0:
        return None
    return min(seconds, MAX_EXPIRES_IN)


def _oauth_error(response: httpx.Response) -> str:
    try:
        data = parse_json(response.content)
    except ValueError:
        return f"HTTP {response.status_code}"
    if isinstance(data, dict):
        error = data.get("error_description") or data.get("error") or data.get("message")
        if error:
            return f"HTTP {response.status_code}: {str(error)[:200]}"
    return f"HTTP {response.status_code}"
