"""Where and as whom to talk to Jira: validated connection settings.

Turns the raw ``site``, ``api_url``, ``cloud_id``, ``client_id`` and secret settings into a
:class:`Connection`, or a :class:`ConfigError` that says exactly which setting to fix.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional
from urllib.parse import urlsplit

from jira_devops.errors import ConfigError, MissingCredentialsError, UsageError
from jira_devops.jira.sites import for_site, normalise_site, site_names
from jira_devops.redact import register_secret
from jira_devops.settings import DEFAULT_API_URL, Settings


@dataclass(frozen=True)
class Connection:
    """Validated connection settings."""

    api_url: str
    site_url: Optional[str]
    cloud_id: Optional[str]
    client_id: str
    client_secret: str = field(repr=False)
    timeout: float = Settings.timeout
    use_token_cache: bool = True
    cache_dir: Optional[Path] = None
    ca_bundle: Optional[Path] = None
    # How a retry waits (a Retry-After, a backoff); tests hand in a recorder instead of waiting.
    retry_sleep: Callable[[float], None] = field(default=time.sleep, repr=False, compare=False)

    @property
    def is_default_api(self) -> bool:
        """True when talking to Atlassian itself rather than a proxy or the emulator."""
        return self.api_url == DEFAULT_API_URL

    @property
    def tenant_info_url(self) -> str:
        """Where to ask for the cloud ID: the site, or the api-url when it stands in for Atlassian."""
        if self.site_url and self.is_default_api:
            return f"{self.site_url}/_edge/tenant_info"
        return f"{self.api_url}/_edge/tenant_info"


def normalise_api_url(value: str) -> str:
    """Validate an API base URL (http or https, a host, no query) and drop a trailing slash."""
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"api-url {value!r} is not an http(s) URL", hint="use e.g. https://api.atlassian.com")
    if parts.query or parts.fragment:
        raise ConfigError(f"api-url {value!r} must not have a query or fragment")
    return value.strip().rstrip("/")


def read_secret(settings: Settings) -> Optional[str]:
    """The client secret from ``JIRA_CLIENT_SECRET`` or the secret file; registered for redaction."""
    secret = settings.client_secret
    if settings.client_secret_file:
        path = Path(settings.client_secret_file).expanduser()
        try:
            secret = path.read_text(encoding="utf-8").strip()
        except OSError as error:
            raise ConfigError(f"cannot read the client secret file {path}: {error.strerror}") from None
        except UnicodeDecodeError:
            raise ConfigError(f"the client secret file {path} is not UTF-8 text") from None
        if not secret:
            raise ConfigError(f"the client secret file {path} is empty")
    if secret is not None:
        secret = secret.strip()
        register_secret(secret)
    return secret or None


def connection_from_settings(settings: Settings) -> Connection:
    """Validate the connection settings of one site; a :class:`ConfigError` names the first one to fix.

    The site's own credentials (``JIRA_CLIENT_ID_<SITE>`` ..., see :mod:`jira_devops.jira.sites`) win over
    the shared ones. Several sites are refused here: only the report commands talk to several.
    """
    names = site_names(settings)
    if len(names) > 1:
        raise ConfigError(f"{settings.describe_source('site')} names {len(names)} sites, and this command talks to "
                          "one", hint="give one site with --site (its own JIRA_CLIENT_ID_<SITE>... still apply)")
    if names:  # idempotent: a site's settings made by the report commands come through unchanged
        settings = for_site(settings, names[0], several=False)
    api_url = normalise_api_url(settings.api_url)
    site_url = normalise_site(names[0]) if names else None
    cloud_id = settings.cloud_id.strip() if settings.cloud_id else None
    if cloud_id is not None:
        try:
            uuid.UUID(cloud_id)
        except ValueError:
            raise ConfigError(f"cloud ID {cloud_id!r} is not a UUID",
                              hint="copy it from https://<site>.atlassian.net/_edge/tenant_info") from None
    if cloud_id is None and site_url is None and api_url == DEFAULT_API_URL:
        raise MissingCredentialsError("no Jira site given", hint="set JIRA_SITE or --site, or JIRA_CLOUD_ID")
    client_id = (settings.client_id or "").strip()
    if not client_id:
        raise MissingCredentialsError("no OAuth client ID given",
                                      hint="set JIRA_CLIENT_ID or --client-id from the site's OAuth credentials")
    secret = read_secret(settings)
    if not secret:
        raise MissingCredentialsError("no OAuth client secret given",
                                      hint="set JIRA_CLIENT_SECRET or --client-secret-file; it is never a flag")
    cache_dir = Path(settings.cache_dir).expanduser() if settings.cache_dir else None
    if settings.timeout is not None and settings.timeout <= 0:
        raise UsageError(f"{settings.describe_source('timeout')} must be more than 0", hint="e.g. --timeout 90s")
    ca_bundle = Path(settings.ca_bundle).expanduser() if settings.ca_bundle else None
    if ca_bundle is not None and not ca_bundle.exists():
        raise ConfigError(f"the CA bundle {ca_bundle} does not exist",
                          hint="give a PEM file of CA certificates with --ca-bundle or JIRA_DEVOPS_CA_BUNDLE")
    return Connection(
        api_url=api_url,
        site_url=site_url,
        cloud_id=cloud_id,
        client_id=client_id,
        client_secret=secret,
        timeout=settings.timeout,
        use_token_cache=settings.token_cache is not False,
        cache_dir=cache_dir,
        ca_bundle=ca_bundle,
    )
