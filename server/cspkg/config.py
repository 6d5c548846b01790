"""Frozen settings: defaults, then an optional TOML file, then ``CSPKG_*`` environment.

Read once at start-up (CLI or app factory) and passed down; nothing reads the
environment later, so tests can build any configuration they like.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from .errors import CspkgError
from .namespaces import DEFAULT_BASE
from .token_hash import hash_token, is_hashed, weakness

PROJECT_ROOT = Path(__file__).resolve().parents[2]
"""The checkout's root: ``ontology/``, ``data/``, ``shapes/`` and ``queries/`` live here."""


@dataclass(frozen=True)
class Settings:
    """Everything configurable.  Field names double as ``CSPKG_<NAME>`` variables."""

    base: str = DEFAULT_BASE
    ontology_dir: Path = PROJECT_ROOT / "ontology"
    data_dir: Path = PROJECT_ROOT / "data"
    shapes_dir: Path = PROJECT_ROOT / "shapes"
    queries_dir: Path = PROJECT_ROOT / "queries"
    store: Path | None = None
    """Directory of an on-disk pyoxigraph store; ``None`` keeps the store in memory."""
    backend: str | None = None
    """URL of a remote SPARQL 1.1 server; ``None`` uses the embedded store."""
    backend_profile: str = "oxigraph"
    """Which kind of server ``backend`` is (``store/profiles.py``): oxigraph, virtuoso, generic."""
    backend_user: str | None = field(default=None, repr=False)
    backend_password: str | None = field(default=None, repr=False)
    """The backend's own account for writes (never logged, never in an error)."""
    admin_token: str | None = field(default=None, repr=False)
    """The token that may write anything.  Given as a token (at least 24 characters and
    random: ``token_hash.weakness``) or as the salted hash ``cspkg token`` prints; either
    way settings keep only the salted hash."""
    agency_tokens: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    """(agency, token) pairs: a token that may report progress for one agency only
    (``services/access.py``).  The agency is its register slug or its IRI.  TOML: a table
    ``[agency_tokens]`` of ``slug = "token"`` (or a list of tokens); environment:
    ``CSPKG_AGENCY_TOKENS="slug=token,slug2=token2"``.  Tokens as for ``admin_token``."""
    audit_key: str | None = field(default=None, repr=False)
    """Key of the keyed hash that names a token in audit lines (``services/audit.py``);
    unset, a random key for each start (fingerprints then match only within one run)."""
    token_failures: int = 10
    """Wrong tokens one client address may send before its writes are refused for
    ``token_lockout_seconds`` (429 with Retry-After); audit lines for them stop there too.
    0 turns the lockout off."""
    token_lockout_seconds: int = 300
    """How long an address that sent ``token_failures`` wrong tokens is refused, and the
    window those failures are counted in."""
    query_timeout: float = 30.0
    query_workers: int = 2
    validate_on_load: bool = True
    """Validate changed sources before they replace their graphs, at start-up and in
    ``cspkg load`` alike (``services/loading.py``); off only for trusted bulk data."""
    progress_files: bool = False
    """After every write to a plan's progress graph, write the graph back to its file,
    ``data/progress/{partnership}-{year}.ttl`` (``services/progress_files.py``), so the
    files stay the one source of progress.  On in ``cspkg serve``; off for an app built
    without it (tests over the project's own data folder)."""
    """Worker processes running embedded-store queries (killed and replaced on timeout)."""
    worker_memory_mb: int = 0
    """Address-space cap of each worker process (queries, updates, uploads); 0: sized to
    the machine, physical memory / (2 x (query_workers + 1)), so all the workers
    together stay under half of it."""
    max_result_bytes: int = 100_000_000
    """Largest answer a worker may send back; bigger gets 413."""
    spare_workers: int = 1
    """Query workers kept started beside ``query_workers``, so one killed (timeout, or a
    lent worker taken back) is replaced at once; each costs a process and, for an
    in-memory store, a replica of the data.  0: none (a replacement then starts on
    demand, a second or two in which its slot waits)."""
    worker_share_per_client: int = 0
    """Query workers one client (address) may use at once; 0: half of them (at least 1)."""
    query_queue_length: int = 32
    """Requests that may wait for a query worker (each holds a request thread while it
    waits, so keep it under ``http_threads``).  Past it: 503."""
    upload_workers: int = 1
    """``/validation`` uploads checked at once, each in its own process (more: 503)."""
    report_workers: int = 2
    """Board reports made at once, each in its own process (``reports/worker.py``);
    a request for another past that gets 429."""
    report_timeout: float = 60.0
    """Seconds a board report may take to make before its process is killed (503)."""
    upload_timeout: float = 60.0
    """Seconds an upload's check may take before its process is killed (503)."""
    max_rows: int = 10_000
    max_query_length: int = 100_000
    max_upload_bytes: int = 5_000_000
    max_literal_bytes: int = 100_000
    """Longest literal a write may store (413 past it): the shapes check of a write
    grows with the square of a literal's length (``services/write_check.py``)."""
    max_url_length: int = 8_000
    """Longest request target (path and query string) in bytes; longer gets 414."""
    max_query_depth: int = 200
    """Deepest expression nesting (brackets and prefix operators) a query or update may
    have: the engine's parser recurses per level (``store/query_shape.py``)."""
    max_operator_chain: int = 1000
    """Most binary operators in a row in one expression (``1+1+...``)."""
    max_triple_patterns: int = 500
    """Most triple patterns in a query or an update's WHERE (data blocks do not count)."""
    max_path_length: int = 100
    """Most ``/`` or ``|`` steps in one property path."""
    rate_limit_per_minute: int = 0
    """Requests per client address per minute (token bucket); 0 turns limiting off."""
    result_cache_bytes: int = 64_000_000
    """Memory for rendered query answers per store version (embedded store); 0 turns it off."""
    service_allow_list: tuple[str, ...] = ()
    http_threads: int = 64
    """Request threads of ``cspkg serve`` (they only ever hold whole requests)."""
    header_timeout: float = 10.0
    """Seconds a client has to send a request's head (from connecting or its last answer)."""
    body_timeout: float = 30.0
    """Seconds a client has to send a body once the head is in (also the socket send and
    receive timeouts of a request thread)."""
    keepalive_timeout: int = 5
    """Seconds an idle kept-alive connection stays open."""
    max_connections_per_client: int = 32
    """Open connections one address may hold; more are answered 429 and closed."""
    max_connections: int = 1000
    """Open connections in all; past it new ones wait in the kernel's backlog."""
    public_url: str | None = None
    """Where clients reach the service (``https://kg.example.org/``): absolute links are
    built from it; unset, from the address the server listens on, never the ``Host``
    header."""
    trusted_proxies: tuple[str, ...] = ()
    """Peer addresses whose ``X-Forwarded-For`` / ``-Proto`` / ``-Host`` / ``-Prefix``
    headers are believed (a reverse proxy in front); empty: none are."""
    host: str = "127.0.0.1"
    port: int = 5000


def _agency_tokens(raw: Any) -> tuple[tuple[str, str], ...]:
    """``{agency: token | [tokens]}`` (TOML) or ``"agency=token,..."`` (environment).

    Messages name the agency, never a token."""
    pairs: list[tuple[str, str]] = []
    if isinstance(raw, str):
        for item in (part.strip() for part in raw.split(",")):
            agency, sep, token = item.partition("=")
            if item and not sep:
                raise CspkgError("agency_tokens: each entry is 'agency=token'")
            if item:
                pairs.append((agency.strip(), token.strip()))
    elif isinstance(raw, dict):
        for agency, tokens in raw.items():
            for token in [tokens] if isinstance(tokens, str) else list(tokens):
                if not isinstance(token, str):
                    raise CspkgError(f"agency_tokens: the token for '{agency}' is not text")
                pairs.append((str(agency).strip(), token.strip()))
    else:
        pairs = [(str(a), str(t)) for a, t in raw]
    seen: set[str] = set()
    for agency, token in pairs:
        if not agency or not token:
            raise CspkgError(f"agency_tokens: '{agency or '?'}' needs an agency and a token")
        if token in seen:
            raise CspkgError(f"agency_tokens: a token is given twice (once for '{agency}')")
        seen.add(token)
    return tuple(pairs)


def _hashed_tokens(settings: Settings) -> Settings:
    """Refuse weak tokens (naming the setting, never the token), then keep only salted
    hashes of them."""

    def kept(name: str, token: str) -> str:
        if is_hashed(token):
            return token
        problem = weakness(token)
        if problem is not None:
            raise CspkgError(f"{name}: the token {problem}")
        return hash_token(token)

    admin = kept("admin_token", settings.admin_token) if settings.admin_token else None
    agencies = tuple(
        (agency, kept(f"agency_tokens: '{agency}'", token))
        for agency, token in settings.agency_tokens
    )
    return replace(settings, admin_token=admin, agency_tokens=agencies)


def _coerce(name: str, raw: Any, kind: Any) -> Any:
    text = str(kind)
    if raw is None:
        return None
    if name == "agency_tokens":
        return _agency_tokens(raw)
    if "Path" in text:
        return Path(raw)
    if "tuple" in text:
        if isinstance(raw, str):
            return tuple(item.strip() for item in raw.split(",") if item.strip())
        return tuple(raw)
    if text == "bool":
        if isinstance(raw, bool):
            return raw
        if str(raw).strip().lower() in ("1", "true", "yes", "on"):
            return True
        if str(raw).strip().lower() in ("0", "false", "no", "off"):
            return False
        raise CspkgError(f"{name}: expected true or false, got '{raw}'")
    if "float" in text:
        return float(raw)
    if "int" in text:
        return int(raw)
    return str(raw)


def load_settings(
    config_file: Path | None = None,
    environ: dict[str, str] | None = None,
    **overrides: Any,
) -> Settings:
    """Build settings from defaults, a TOML file, the environment, then explicit overrides."""
    values: dict[str, Any] = {}
    kinds = {f.name: f.type for f in fields(Settings)}
    env = dict(os.environ if environ is None else environ)
    if config_file is None and env.get("CSPKG_CONFIG"):
        config_file = Path(env["CSPKG_CONFIG"])
    if config_file is not None:
        try:
            document = tomllib.loads(config_file.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise CspkgError(f"cannot read config file {config_file.name}: {exc}") from None
        for key, raw in document.items():
            name = key.replace("-", "_")
            if name not in kinds:
                raise CspkgError(f"config file {config_file.name}: unknown setting '{key}'")
            values[name] = raw
    for name in kinds:
        variable = "CSPKG_" + name.upper()
        if variable in env:
            values[name] = env[variable]
    values.update({k: v for k, v in overrides.items() if v is not None})
    try:
        coerced = {name: _coerce(name, raw, kinds[name]) for name, raw in values.items()}
    except ValueError as exc:
        raise CspkgError(f"bad setting value: {exc}") from None
    settings = replace(Settings(), **coerced)
    if settings.admin_token and any(t == settings.admin_token for _, t in settings.agency_tokens):
        raise CspkgError("agency_tokens: an agency token must differ from the admin token")
    settings = _hashed_tokens(settings)
    if not settings.base.endswith("/"):
        settings = replace(settings, base=settings.base + "/")
    return settings
