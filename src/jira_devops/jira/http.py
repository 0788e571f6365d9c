"""The one place an HTTP client for Jira is made: proxies from the environment, the CAs to trust.

httpx already honours ``HTTPS_PROXY``/``HTTP_PROXY``/``ALL_PROXY`` and ``NO_PROXY`` (proxies) and
``SSL_CERT_FILE``/``SSL_CERT_DIR`` (which CAs to trust instead of its bundled ones). ``--ca-bundle`` adds
certificates to whichever of those is in use, for a TLS-inspecting proxy or a private CA, without losing
the public CAs that api.atlassian.com needs.
"""

from __future__ import annotations

import ssl
import urllib.request
from pathlib import Path
from typing import Optional
from urllib.parse import urlsplit, urlunsplit

import httpx

from jira_devops._version import __version__
from jira_devops.errors import ConfigError, UnreachableError

USER_AGENT = f"jira-devops/{__version__}"


def tls_context(ca_bundle: Optional[Path]) -> ssl.SSLContext:
    """The TLS settings: the usual trust store, plus the certificates in ``ca_bundle`` (a PEM file or folder)."""
    context = httpx.create_ssl_context(trust_env=True)
    if ca_bundle is not None:
        try:
            if ca_bundle.is_dir():
                context.load_verify_locations(capath=str(ca_bundle))
            else:
                context.load_verify_locations(cafile=str(ca_bundle))
        except (ssl.SSLError, OSError, ValueError) as error:
            raise ConfigError(f"the CA bundle {ca_bundle} holds no usable certificate ({error})",
                              hint="give a PEM file of CA certificates with --ca-bundle") from None
    return context


def open_client(ca_bundle: Optional[Path]) -> httpx.Client:
    """A new HTTP client for Jira (the caller closes it): proxies from the environment, ``ca_bundle`` trusted."""
    return httpx.Client(headers={"User-Agent": USER_AGENT}, follow_redirects=False, verify=tls_context(ca_bundle))


def proxy_for(url: str) -> Optional[str]:
    """The proxy the environment names for ``url`` (credentials removed), or ``None`` when it goes direct."""
    parts = urlsplit(url)
    proxies = urllib.request.getproxies_environment()
    proxy = proxies.get(parts.scheme) or proxies.get("all")
    if not proxy or _bypassed(parts.hostname or "", proxies.get("no", "")):
        return None
    shown = urlsplit(proxy if "://" in proxy else f"http://{proxy}")
    host = shown.hostname or ""
    netloc = f"{host}:{shown.port}" if shown.port else host
    return urlunsplit((shown.scheme, netloc, shown.path, "", ""))


def _bypassed(host: str, no_proxy: str) -> bool:
    """Whether ``NO_PROXY`` sends ``host`` direct: ``*``, the host itself, or a domain it is in."""
    for entry in (part.strip().lower().lstrip(".") for part in no_proxy.split(",")):
        if entry == "*" or (entry and (host.lower() == entry or host.lower().endswith("." + entry))):
            return True
    return False


def trust_store(ca_bundle: Optional[Path], environ: Optional[dict[str, str]] = None) -> str:
    """Which CAs are trusted, in words: the bundle given, ``SSL_CERT_FILE``/``SSL_CERT_DIR``, or the bundled ones."""
    import os  # noqa: PLC0415

    env = os.environ if environ is None else environ
    base = (f"SSL_CERT_FILE {env['SSL_CERT_FILE']}" if env.get("SSL_CERT_FILE")
            else f"SSL_CERT_DIR {env['SSL_CERT_DIR']}" if env.get("SSL_CERT_DIR")
            else "the bundled public CAs (certifi)")
    return f"{base} and --ca-bundle {ca_bundle}" if ca_bundle is not None else base


def untrusted_certificate(error: BaseException, what: str) -> Optional[UnreachableError]:
    """The one-line error for a server certificate this machine does not trust, if that is what ``error`` is."""
    cause: Optional[BaseException] = error
    while cause is not None and not isinstance(cause, ssl.SSLCertVerificationError):
        cause = cause.__cause__ or cause.__context__
    if cause is None:
        return None
    reason = getattr(cause, "verify_message", None) or "verification failed"
    return UnreachableError(f"{what}: the server's TLS certificate is not trusted ({reason})",
                            hint="behind a TLS-inspecting proxy or with a private CA, give its certificate with "
                                 "--ca-bundle (or JIRA_DEVOPS_CA_BUNDLE, SSL_CERT_FILE)")
