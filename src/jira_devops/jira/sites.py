"""Several Jira sites: which sites a run reports to, and each site's own credentials.

``--site`` (``JIRA_SITE``, the trusted settings file's ``site``, the action's ``site`` input, the Jenkins
``site`` parameter) may name several sites, separated by commas (or given as a list). Each site is
reported to with its own credentials where they differ: the environment variables below, suffixed with
the site's name in capitals (``acme`` and ``acme.atlassian.net`` -> ``ACME``; another host, e.g.
``jira.acme.example`` -> ``JIRA_ACME_EXAMPLE``; every character other than a letter or digit becomes ``_``),
win over the unsuffixed ones, which are the fallback for every site:

    JIRA_CLIENT_ID_<SITE>, JIRA_CLIENT_SECRET_<SITE>, JIRA_CLIENT_SECRET_FILE_<SITE>,
    JIRA_CLOUD_ID_<SITE>, JIRA_DEVOPS_API_URL_<SITE>

A cloud ID identifies one site, so with several sites the unsuffixed ``JIRA_CLOUD_ID`` is not used as a
fallback. Per-site values come from the environment only: they say where credentials go, so neither a
repository's own file nor a flag sets them.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Mapping
from typing import Optional
from urllib.parse import urlsplit

from jira_devops.errors import ConfigError
from jira_devops.settings import OPTIONS_BY_NAME, Settings

# The settings a site may override, by name; the variable is the setting's own with ``_<SITE>`` added.
PER_SITE = ("client_id", "client_secret", "client_secret_file", "cloud_id", "api_url")
_NOT_A_FALLBACK_FOR_SEVERAL = ("cloud_id",)
_ATLASSIAN_SUFFIX = ".atlassian.net"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_HOST = re.compile(rf"^(?=.{{1,253}}$){_LABEL}(?:\.{_LABEL})*$")
_SITE_NAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")


def normalise_site(value: str) -> str:
    """``acme``, ``acme.atlassian.net`` or ``https://acme.atlassian.net/jira`` -> ``https://acme.atlassian.net``."""
    text = value.strip()
    if "://" in text:
        parts = urlsplit(text)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError(f"site {value!r} is not a Jira site URL",
                              hint="use e.g. acme, acme.atlassian.net or https://acme.atlassian.net")
        host = parts.hostname
        scheme = parts.scheme
        port = f":{parts.port}" if parts.port else ""
    else:
        host = text.rstrip("/")
        scheme = "https"
        port = ""
        if _SITE_NAME.match(host) and "." not in host:
            host = f"{host}.atlassian.net"
    if not _HOST.match(host):
        raise ConfigError(f"site {value!r} is not a host name",
                          hint="use e.g. acme, acme.atlassian.net or https://acme.atlassian.net")
    return f"{scheme}://{host.lower()}{port}"


def site_names(settings: Settings) -> list[str]:
    """The sites named, each once, in the order given (a library caller's ``site="a,b"`` counts too)."""
    raw: object = settings.site
    values = [raw] if isinstance(raw, str) else list(settings.site or ())
    names = (part.strip() for value in values for part in value.split(","))
    return list(dict.fromkeys(name for name in names if name))


def several_sites(settings: Settings) -> bool:
    """Whether the settings name more than one site."""
    return len(site_names(settings)) > 1


def site_suffix(site: str) -> str:
    """The suffix of a site's own variables: ``acme``, ``acme.atlassian.net`` or its URL -> ``ACME``."""
    host = normalise_site(site).split("://", 1)[1]
    if host.endswith(_ATLASSIAN_SUFFIX):
        host = host[: -len(_ATLASSIAN_SUFFIX)]
    return re.sub(r"[^A-Z0-9]", "_", host.upper())


def site_variable(name: str, site: str) -> str:
    """The environment variable giving setting ``name`` for ``site``, e.g. ``JIRA_CLIENT_ID_ACME``."""
    return f"{OPTIONS_BY_NAME[name].env_var}_{site_suffix(site)}"


def for_site(settings: Settings, site: str, *, several: bool,
             environ: Optional[Mapping[str, str]] = None) -> Settings:
    """``settings`` for one site: ``site`` alone, and that site's own credentials where it has them."""
    env = os.environ if environ is None else environ
    changes: dict[str, object] = {"site": (site,)}
    sources = dict(settings.sources)
    for name in PER_SITE:
        variable = site_variable(name, site)
        value = (env.get(variable) or "").strip()
        if value:
            changes[name] = value
            sources[name] = "env"
        elif several and name in _NOT_A_FALLBACK_FOR_SEVERAL:
            changes[name] = None
    if "client_secret_file" in changes and "client_secret" not in changes:
        changes["client_secret"] = None  # the site's own secret file wins over the shared secret
    if "client_secret" in changes and "client_secret_file" not in changes:
        changes["client_secret_file"] = None  # and the site's own secret over the shared file
    return dataclasses.replace(settings, sources=sources, **changes)  # type: ignore[arg-type]


def per_site_settings(settings: Settings, environ: Optional[Mapping[str, str]] = None) -> list[tuple[str, Settings]]:
    """Each named site with its own settings; two names for one site, or two sites sharing a variable
    suffix, are a :class:`ConfigError`."""
    names = site_names(settings)
    seen: dict[str, str] = {}
    for name in names:
        suffix = site_suffix(name)
        if suffix in seen:
            raise ConfigError(f"the sites {seen[suffix]!r} and {name!r} are the same site, or share the "
                              f"variable suffix _{suffix}", hint="name each site once")
        seen[suffix] = name
    several = len(names) > 1
    return [(name, for_site(settings, name, several=several, environ=environ)) for name in names]
