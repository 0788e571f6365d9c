"""Web pages of a repository on its host: given a remote URL, the URLs of the repository, a commit, a branch,
a tag and "create a pull request".

One table (:data:`HOSTS`) says how each kind of host lays out its pages; :func:`repository_links` works out
which kind a remote is (by its host name and path, or a hint such as the CI it runs in) and returns a
:class:`RepositoryLinks`. Hosts this module does not know get stable, distinct fallbacks
(``<repository>#refs/heads/<branch>``) rather than one URL for every branch.

Page layouts (each host's own web UI):

- GitHub and GitHub Enterprise Server: ``/commit/<sha>``, ``/tree/<ref>``, ``/compare/<ref>?expand=1``,
  ``/pull/<n>``.
- GitLab (gitlab.com and self-managed): ``/-/commit/<sha>``, ``/-/tree/<ref>``,
  ``/-/merge_requests/new?merge_request[source_branch]=<ref>``, ``/-/merge_requests/<iid>``.
- Bitbucket Cloud: ``/commits/<sha>``, ``/src/<ref>``, ``/pull-requests/new?source=<ref>``,
  ``/pull-requests/<n>``.
- Bitbucket Server / Data Center: clone URLs ``/scm/<PROJECT>/<repo>.git`` (or ssh on port 7999) browse at
  ``/projects/<PROJECT>/repos/<repo>``; ``/commits/<sha>``, ``/browse?at=refs/heads/<ref>``,
  ``/pull-requests?create&sourceBranch=refs/heads/<ref>``, ``/pull-requests/<n>/overview``.
- Gitea and Forgejo (Codeberg): ``/commit/<sha>``, ``/src/branch/<ref>``, ``/src/tag/<tag>``,
  ``/compare/<target>...<ref>``, ``/pulls/<n>``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, Optional
from urllib.parse import quote, urlsplit, urlunsplit

HostKind = Literal["github", "gitlab", "bitbucket-cloud", "bitbucket-server", "gitea", "unknown"]


@dataclass(frozen=True)
class HostLayout:
    """Where one kind of host keeps its pages, as templates relative to the repository's web URL.

    ``{ref}`` is a branch or tag name with ``/`` kept and everything else that needs it percent-encoded;
    ``{sha}`` a commit SHA; ``{target}`` the branch a pull request would go into.
    """

    name: str
    commit: Optional[str]
    branch: str
    tag: str
    create_pull_request: Optional[str]
    pull_request: Optional[str] = None


HOSTS: dict[HostKind, HostLayout] = {
    "github": HostLayout("GitHub", "/commit/{sha}", "/tree/{ref}", "/tree/{ref}", "/compare/{ref}?expand=1",
                         "/pull/{number}"),
    "gitlab": HostLayout("GitLab", "/-/commit/{sha}", "/-/tree/{ref}", "/-/tree/{ref}",
                         "/-/merge_requests/new?merge_request%5Bsource_branch%5D={ref_query}",
                         "/-/merge_requests/{number}"),
    "bitbucket-cloud": HostLayout("Bitbucket Cloud", "/commits/{sha}", "/src/{ref}", "/src/{ref}",
                                  "/pull-requests/new?source={ref_query}", "/pull-requests/{number}"),
    "bitbucket-server": HostLayout("Bitbucket Server/Data Center", "/commits/{sha}",
                                   "/browse?at=refs/heads/{ref}", "/browse?at=refs/tags/{ref}",
                                   "/pull-requests?create&sourceBranch=refs/heads/{ref}",
                                   "/pull-requests/{number}/overview"),
    "gitea": HostLayout("Gitea/Forgejo", "/commit/{sha}", "/src/branch/{ref}", "/src/tag/{ref}",
                        "/compare/{target}...{ref}", "/pulls/{number}"),
    "unknown": HostLayout("unknown host", None, "#refs/heads/{ref}", "#refs/tags/{ref}", None),
}

# Host names that say what they are; self-hosted instances are recognised by a hint or their path.
_KNOWN_HOSTS: dict[str, HostKind] = {
    "github.com": "github", "gitlab.com": "gitlab", "bitbucket.org": "bitbucket-cloud",
    "codeberg.org": "gitea", "gitea.com": "gitea",
}
_NAME_HINTS: tuple[tuple[str, HostKind], ...] = (
    ("github", "github"), ("gitlab", "gitlab"), ("gitea", "gitea"), ("forgejo", "gitea"),
    ("bitbucket", "bitbucket-server"),
)
# The CI a run comes from says which host serves its repository when the host name does not.
_CI_HOSTS: dict[str, HostKind] = {"github": "github", "gitlab": "gitlab", "bitbucket": "bitbucket-cloud"}
_BITBUCKET_SERVER_SSH_PORT = 7999
_SCP_LIKE = re.compile(r"^(?:[\w.-]+@)?([\w.-]+):(?!//)(.+)$")


@dataclass(frozen=True)
class RepositoryLinks:
    """The web pages of one repository on its host."""

    kind: HostKind
    repository: str

    @property
    def layout(self) -> HostLayout:
        """How this kind of host lays out its pages."""
        return HOSTS[self.kind]

    def commit(self, sha: str) -> Optional[str]:
        """The commit's page (``None`` on a host whose layout is unknown)."""
        template = self.layout.commit
        return self.repository + template.format(sha=quote(sha, safe="")) if template else None

    def branch(self, name: str) -> str:
        """The branch's own page (a stable, distinct fallback on an unknown host)."""
        return self.repository + self.layout.branch.format(ref=_ref_path(name))

    def tag(self, name: str) -> str:
        """The tag's own page (a stable, distinct fallback on an unknown host)."""
        return self.repository + self.layout.tag.format(ref=_ref_path(name))

    def create_pull_request(self, source: str, target: Optional[str] = None) -> Optional[str]:
        """The page that starts a pull request from ``source`` (into ``target`` where the host needs it)."""
        template = self.layout.create_pull_request
        if template is None or ("{target}" in template and not target):
            return None
        return self.repository + template.format(ref=_ref_path(source), ref_query=quote(source, safe=""),
                                                 target=_ref_path(target or ""))


    def pull_request(self, number: str) -> Optional[str]:
        """The page of pull (merge) request ``number`` (``None`` on a host whose layout is unknown)."""
        template = self.layout.pull_request
        return self.repository + template.format(number=quote(number, safe="")) if template else None


def _ref_path(name: str) -> str:
    """A branch or tag name as it appears in a page's path: ``/`` kept, the rest percent-encoded as needed."""
    return quote(name, safe="/")


def web_url(remote: Optional[str]) -> Optional[str]:
    """A browsable repository URL for a remote: credentials stripped, ``git@host:path`` and ``.git`` made
    https, a Bitbucket Server clone path (``/scm/PROJ/repo``) turned into its web path."""
    parsed = _parse(remote)
    return parsed[1] if parsed else None


def repository_links(remote: Optional[str], *, ci: Optional[str] = None) -> Optional[RepositoryLinks]:
    """The pages of the repository at ``remote`` (any clone or web URL); ``None`` when it is no URL.

    ``ci`` (the CI provider the run comes from) names the host when its name does not, as for a GitHub
    Enterprise Server on ``code.example.com`` reached from GitHub Actions.
    """
    parsed = _parse(remote)
    if parsed is None:
        return None
    kind, url = parsed
    if kind == "unknown" and ci in _CI_HOSTS:
        kind = _CI_HOSTS[ci]
    return RepositoryLinks(kind=kind, repository=url)


def _parse(remote: Optional[str]) -> Optional[tuple[HostKind, str]]:
    if not remote:
        return None
    text = remote.strip()
    scp = _SCP_LIKE.match(text)
    if scp and "://" not in text:
        text = f"ssh://{scp.group(1)}/{scp.group(2)}"
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https", "ssh", "git") or not parts.hostname:
        return None
    try:
        port = parts.port
    except ValueError:
        return None
    web = parts.scheme in ("http", "https")
    host = parts.hostname.lower() + (f":{port}" if port and web else "")
    path = re.sub(r"\.git/?$", "", parts.path).rstrip("/")
    kind = _kind(parts.hostname.lower(), path, port if not web else None)
    if kind == "bitbucket-server":
        path = _bitbucket_server_path(path)
    return kind, urlunsplit(("https" if not web else parts.scheme, host, path, "", ""))


def _kind(hostname: str, path: str, ssh_port: Optional[int]) -> HostKind:
    if hostname in _KNOWN_HOSTS:
        return _KNOWN_HOSTS[hostname]
    if re.search(r"(^|/)scm/[^/]+/[^/]+$", path) or re.search(r"/projects/[^/]+/repos/[^/]+$", path) \
            or ssh_port == _BITBUCKET_SERVER_SSH_PORT:
        return "bitbucket-server"
    for word, kind in _NAME_HINTS:
        if word in hostname:
            return kind
    return "unknown"


def _bitbucket_server_path(path: str) -> str:
    """``[/context]/scm/PROJ/repo`` (HTTP clone) or ``/proj/repo`` (ssh) -> ``[/context]/projects/PROJ/repos/repo``."""
    if re.search(r"/projects/[^/]+/repos/[^/]+$", path):
        return path
    match = re.match(r"^(.*?)(?:/scm)?/([^/]+)/([^/]+)$", path)
    if not match:
        return path
    context, project, repository = match.groups()
    return f"{context}/projects/{project.upper()}/repos/{repository}"
