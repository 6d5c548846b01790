"""Backend profiles: everything that differs between SPARQL servers, in one place.

The remote store (``store/remote.py``) speaks the SPARQL 1.1 Protocol and the Graph Store
Protocol to any server; a profile says where that server keeps each endpoint, how writes
authenticate, what its default graph holds, which formats it reads, how it reports errors,
timeouts and partial answers, and which queries it evaluates wrongly (rewritten here into
a form it answers correctly, or refused with a clear message: never a silently different
answer).  Adding a server (GraphDB, Fuseki, Stardog) is a new entry in ``PROFILES``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise
from typing import Literal
from urllib.parse import urlsplit

from ..errors import (
    CspkgError,
    QuerySyntaxError,
    QueryTimeout,
    QueryUnsupported,
    StoreUnavailable,
)
from .engine import syntax_error
from .sparql_text import tokens

VERSION_GRAPH = "urn:cspkg:store-version"
"""Where each write through ``cspkg`` records a new store version (read by every front end)."""


@dataclass(frozen=True)
class Rewrite:
    """Text the engine answers wrongly and an equivalent it answers right."""

    pattern: re.Pattern[str]
    replacement: str
    why: str

    def apply(self, sparql: str) -> str:
        return self.pattern.sub(self.replacement, sparql)


def _closing_brace(text: str, start: int) -> int | None:
    """The index of the ``}`` closing the ``{`` at ``start`` (strings, IRIs and comments
    skipped), or ``None``."""
    depth = 0
    i = start
    while i < len(text):
        char = text[i]
        if char in "\"'":
            end = text.find(char, i + 1)
            while end != -1 and text[end - 1] == "\\":
                end = text.find(char, end + 1)
            if end == -1:
                return None
            i = end
        elif char == "<" and (match := re.match(r"<[^<>\"{}|^`\\\s]*>", text[i:])):
            i += match.end() - 1
        elif char == "#":
            newline = text.find("\n", i)
            i = len(text) if newline == -1 else newline
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return None


@dataclass(frozen=True)
class ExistsAsValue:
    """``BIND ((NOT) EXISTS { ... } AS ?x)``, braces nested to any depth: Virtuoso 7.2
    gives 1/0 integers; ``STRDT(IF(EXISTS {...}, "true", "false"), xsd:boolean)`` is
    the boolean again."""

    why: str = "EXISTS as a value"
    opening: re.Pattern[str] = re.compile(r"BIND\s*\(\s*((?:NOT\s+)?EXISTS)\s*(?=\{)", re.I)

    def apply(self, sparql: str) -> str:
        out, at = [], 0
        for match in self.opening.finditer(sparql):
            if match.start() < at:
                continue
            close = _closing_brace(sparql, match.end())
            after = re.match(r"\s+AS\s+", sparql[close + 1 :]) if close is not None else None
            if close is None or after is None:
                continue
            group = sparql[match.end() : close + 1]
            out += [
                sparql[at : match.start()],
                f'BIND (STRDT(IF({match.group(1)} {group}, "true", "false"), <{XSD_BOOLEAN}>) AS ',
            ]
            at = close + 1 + after.end()
        return "".join(out) + sparql[at:]


XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"


@dataclass(frozen=True)
class Refusal:
    """Text the engine answers wrongly and no rewrite fixes: refused with ``reason``.

    ``pattern`` is looked for in the text with strings and comments blanked; a
    ``shape`` (a test on the text's tokens) may stand in for it."""

    pattern: re.Pattern[str] | None
    reason: str
    unless: re.Pattern[str] | None = None
    """Spans that are fine as they are (removed before ``pattern`` is looked for)."""
    shape: Callable[[str], bool] | None = None

    def refuses(self, bare: str, text: str) -> bool:
        if self.shape is not None and self.shape(text):
            return True
        if self.pattern is None:
            return False
        return bool(self.pattern.search(self.unless.sub(" ", bare) if self.unless else bare))


_LITERALS_AND_COMMENTS = re.compile(
    r"<[^<>\"\s]*>|"
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|#[^\n]*'
)


def strip_literals(sparql: str) -> str:
    """The text with strings and comments blanked, so a refusal never matches inside them
    (IRIs stay: a path's predicate is one)."""
    return _LITERALS_AND_COMMENTS.sub(
        lambda m: m.group(0) if m.group(0).startswith("<") else '""', sparql
    )


ErrorMapper = Callable[[int, str], CspkgError]


def standard_error(status: int, text: str) -> CspkgError:
    """A conformant server: 400 is the query's fault (Oxigraph's ``error at L:C``)."""
    if status == 400:
        return syntax_error(text) if text.strip() else QuerySyntaxError("SPARQL syntax error")
    return StoreUnavailable("the SPARQL server reported an error")


@dataclass(frozen=True)
class BackendProfile:
    """How one kind of SPARQL server is reached and where it departs from the standard."""

    name: str
    summary: str
    query_path: str
    """Appended to the backend URL: the SPARQL query endpoint."""
    update_path: str
    graph_store_path: str
    """Where Graph Store Protocol writes go (``?graph=IRI``)."""
    graph_read_path: str | None = None
    """Where Graph Store reads go, if not ``graph_store_path`` (an endpoint without auth)."""
    auth: Literal["basic", "digest"] = "basic"
    """How ``CSPKG_BACKEND_USER`` / ``CSPKG_BACKEND_PASSWORD`` travel with writes."""
    hidden_graphs: tuple[str, ...] = ()
    """The engine's own graphs: never listed by ``graphs()``, and checked at start to be
    out of the union default graph (``setup`` hides them)."""
    setup: tuple[str, ...] = ()
    """What an administrator runs once on the server (shown in docs/deploy.md; the tests'
    template database runs it)."""
    dataset_dump: bool = True
    """``GET`` on the Graph Store endpoint without a graph gives the whole dataset."""
    timeout_param: str | None = None
    """Form field asking the server itself to stop at the deadline (milliseconds)."""
    partial_header: tuple[str, str] | None = None
    """(header, value) marking an answer the server cut short at its time limit."""
    bnode_prefix: bytes = b""
    """Prefix of the server's blank node ids that is not a valid id (stripped in JSON)."""
    version_graph: bool = False
    """Writes record a store version in ``VERSION_GRAPH``, hidden from queries and read
    with the write account, so several front ends share one cache key.  Only where a graph
    can be hidden (not Oxigraph: its union default graph includes every graph)."""
    canonical_booleans: bool = False
    """The server writes ``"1"^^xsd:boolean``: made ``"true"`` so answers compare equal."""
    error: ErrorMapper = standard_error
    rewrites: tuple[Rewrite | ExistsAsValue, ...] = ()
    base_in_text: bool = False
    """The server resolves relative IRIs against its own URL: the caller's base is written
    into the text as ``BASE`` (on the first line, so error lines stay right)."""
    using_in_text: bool = False
    """The server ignores ``using-graph-uri`` parameters: written as ``USING`` clauses."""
    update_rewrite: Callable[[str], str] | None = None
    """Brings an update into a form the server accepts with the same effect."""
    refusals: tuple[Refusal, ...] = ()

    def prepare(self, sparql: str) -> str:
        """The text to send: rewritten where the engine needs it, or refused."""
        for rewrite in self.rewrites:
            sparql = rewrite.apply(sparql)
        if self.refusals:
            bare = strip_literals(sparql)
            for refusal in self.refusals:
                if refusal.refuses(bare, sparql):
                    raise QueryUnsupported(
                        f"the {self.name} backend cannot answer this query correctly: "
                        f"{refusal.reason}"
                    )
        return sparql


# --- Virtuoso 7.2 (Debian's virtuoso-opensource) -------------------------------------

VIRTUOSO_SYSTEM_GRAPHS = (
    "http://www.openlinksw.com/schemas/virtrdf#",
    "http://www.w3.org/ns/ldp#",
    "http://localuriqaserver/sparql",
    VERSION_GRAPH,
)
"""Graphs a fresh Virtuoso holds (its quad-map schema, LDP and URIQA), and ours."""

_PRIVATE = "http://www.openlinksw.com/schemas/virtrdf#PrivateGraphs"


def virtuoso_setup(user: str) -> tuple[str, ...]:
    """SQL (isql) that makes Virtuoso's default graph the union of the data's graphs.

    Virtuoso's default graph is every graph it holds, its own schema graphs included.
    ``define input:default-graph-exclude`` pragmas would hide them per query, but on 7.2
    they also stop ``GRAPH <iri>`` from matching anything; so the system graphs (and the
    version graph) are made private instead: unreadable, so invisible, to the anonymous
    reader ``nobody`` that ``/sparql`` runs as.  ``user`` (the write account) gets the
    SPARQL_UPDATE role and may read and write the version graph.  The reader may call
    other endpoints (``SERVICE``): the front end lets a query through only with its
    endpoints on the allow-list, so Virtuoso's own ``/sparql`` must stay private.
    """
    return (
        "DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 0, 1);",
        "DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 1, 0);",
        f"DB.DBA.RDF_GRAPH_GROUP_CREATE ('{_PRIVATE}', 1);",
        *(f"DB.DBA.RDF_GRAPH_GROUP_INS ('{_PRIVATE}', '{g}');" for g in VIRTUOSO_SYSTEM_GRAPHS),
        f'GRANT SPARQL_UPDATE TO "{user}";',
        f"DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('{user}', 3, 0);",
        f"DB.DBA.RDF_GRAPH_USER_PERMS_SET ('{VERSION_GRAPH}', '{user}', 3);",
        *VIRTUOSO_SERVICE_GRANTS,
    )


VIRTUOSO_SERVICE_GRANTS = (
    'GRANT SELECT ON DB.DBA.SPARQL_SINV_2 TO "SPARQL";',
    'GRANT EXECUTE ON DB.DBA.SPARQL_SINV_IMP TO "SPARQL";',
)
"""What lets the anonymous reader's queries call other endpoints (SERVICE)."""


_VIRTUOSO_ERROR = re.compile(r"Virtuoso (\w{5}) Error (\w+): ([^\n]*)")
_VIRTUOSO_LINE = re.compile(r"line (\d+): (.*)")


def virtuoso_error(status: int, text: str) -> CspkgError:
    """Virtuoso answers 400 or 500 with ``Virtuoso STATE Error CODE: message`` and then
    the query: only the first line is used (the query is the client's own anyway)."""
    found = _VIRTUOSO_ERROR.search(text)
    if "SPARQL_SINV" in text:  # "SQ070:SECURITY: ... SPARQL_SINV_2": SERVICE not granted
        return QueryUnsupported(
            "the virtuoso backend is not set up to call other endpoints (SERVICE): an "
            "administrator grants it (docs/deploy.md, federated queries)"
        )
    if found is None:
        if status == 401:
            return StoreUnavailable("the SPARQL server refused the credentials for writes")
        return StoreUnavailable("the SPARQL server reported an error")
    state, code, message = found.groups()
    if code == "SP030":
        line = _VIRTUOSO_LINE.search(message)
        if line:
            number = int(line.group(1))
            return QuerySyntaxError(
                f"SPARQL syntax error at line {number}: {line.group(2).strip()}", number
            )
        return QuerySyntaxError(f"SPARQL syntax error: {message.strip()}")
    if state == "S1T00" or "exceeds the limit" in message or "timeout" in message.lower():
        return QueryTimeout("the query ran longer than the SPARQL server allows and was stopped")
    if state == "37000":  # compiles but the engine has no plan for it (SP031, SQ156...)
        return QueryUnsupported(
            "the virtuoso backend cannot run this query (its SPARQL compiler reports "
            f"{code}: {message.split(':')[-1].strip() or 'an internal error'})"
        )
    if "SECURITY" in message or "permission" in message.lower():
        return StoreUnavailable("the SPARQL server refused the write: check the backend account")
    if code in ("SR478", "SR353") or "Max row length" in message:
        return QueryUnsupported(  # its sort's rows hold ~4,000 characters; its top-N 10,000 rows
            "the virtuoso backend cannot run this query: its engine cannot sort the answer "
            f"({message.strip()}); values over about 4,000 characters sort only under a "
            "LIMIT of at most 10,000"
        )
    if state.startswith("22"):  # a data exception (SR083: division by zero) stops the query
        return QueryUnsupported(
            "the virtuoso backend cannot run this query: its engine stops at "
            f"{message.split(':')[-1].strip() or 'a data error'} where SPARQL leaves a value unbound"
        )
    return StoreUnavailable("the SPARQL server reported an error")


_PREFIXED = r"(?:[A-Za-z][\w.-]*)?:[\w.-]*|<[^>\s]*>"
_VAR = r"[?$]\w+"

_INSERT_DATA = re.compile(r"^\s*INSERT\s+DATA\s*(\{.*\})\s*$", re.IGNORECASE | re.DOTALL)


def virtuoso_update(sparql: str) -> str:
    """Virtuoso 7.2 refuses blank nodes in ``INSERT DATA`` ("not allowed in a constant
    clause"); ``INSERT { ... } WHERE { }`` has one solution, so it inserts the same
    triples with the same fresh blank nodes.  Only a lone INSERT DATA is rewritten."""
    found = _INSERT_DATA.match(sparql)
    if found is None or "_:" not in sparql or ";" in strip_literals(sparql):
        return sparql
    return f"INSERT {found.group(1)} WHERE {{ }}"


VIRTUOSO_REWRITES = (
    Rewrite(
        # { SELECT ?v WHERE { ?v p* <c> } } joined to an outer pattern loses the
        # zero-length match on Virtuoso 7.2; with DISTINCT it keeps it.  A p* path
        # yields each node once anyway, so DISTINCT changes nothing else.
        re.compile(
            rf"\{{\s*SELECT\s+({_VAR})\s+WHERE\s*\{{\s*\1\s+((?:{_PREFIXED})\*)\s+"
            rf"({_PREFIXED})\s*\.?\s*\}}\s*\}}",
            re.IGNORECASE,
        ),
        r"{ SELECT DISTINCT \1 WHERE { \1 \2 \3 } }",
        "zero-length path in a subquery",
    ),
    Rewrite(
        # ?x (a|b)/p* <c> ; ...: the zero-length step is lost in a join (measured at
        # 10k triples: no row of 19), and Virtuoso's "sameTerm(..) || EXISTS {..}" is
        # never true.  The middle node is <c> or reaches it by p+: a UNION of the two,
        # the path's solutions whenever <c> is on no p-cycle (a unit of itself).
        re.compile(
            rf"({_VAR})\s+\(((?:{_PREFIXED})(?:\s*\|\s*(?:{_PREFIXED}))*)\)/((?:{_PREFIXED}))\*"
            rf"\s+({_PREFIXED})\s*;",
        ),
        r"{ \1 \2 \4 } UNION { \1 \2 ?cspkg_reach . ?cspkg_reach \3+ \4 } \1 ",
        "zero-length path at the end of a sequence path",
    ),
    Rewrite(
        # FILTER NOT EXISTS { ?y p* <c> }: the zero-length match is lost there too, even
        # as a DISTINCT subquery.  ?y p* <c> is by definition ?y = <c> or ?y p+ <c>.
        re.compile(
            rf"FILTER\s+NOT\s+EXISTS\s*\{{\s*({_VAR})\s+({_PREFIXED})\*\s+({_PREFIXED})\s*\}}",
            re.IGNORECASE,
        ),
        r"FILTER (!sameTerm(\1, \3) && NOT EXISTS { \1 \2+ \3 })",
        "zero-length path in FILTER NOT EXISTS",
    ),
    # BIND (EXISTS { ... } AS ?x) gives 1/0 as xsd:integer on Virtuoso 7.2 (it has
    # no boolean type in expressions); made an xsd:boolean again.
    ExistsAsValue(),
    Rewrite(
        # BIND (BOUND(?x) AS ?y): 1/0 as xsd:integer too (status-history's current).
        re.compile(r"BIND\s*\(\s*BOUND\s*\(\s*(\?\w+)\s*\)\s+AS\s+", re.IGNORECASE),
        rf'BIND (STRDT(IF(BOUND(\1), "true", "false"), <{XSD_BOOLEAN}>) AS ',
        "BOUND as a value",
    ),
)

_SAFE_STAR = re.compile(
    rf"\{{\s*SELECT\s+DISTINCT\s+({_VAR})\s+WHERE\s*\{{\s*\1\s+(?:{_PREFIXED})\*\s+"
    rf"(?:{_PREFIXED})\s*\}}\s*\}}",
    re.IGNORECASE,
)
"""The one form of a p* path Virtuoso 7.2 answers right (what the rewrites produce)."""


def nested_group_by(sparql: str) -> bool:
    """A GROUP BY four brackets deep: a grouped subquery inside a subquery inside an
    OPTIONAL (crime-by-priority's shape)."""
    return any(
        token.is_word("GROUP") and token.depth >= 4 and following.is_word("BY")
        for token, following in pairwise(tokens(sparql))
    )


VIRTUOSO_REFUSALS = (
    Refusal(
        # EXISTS { BIND (?outer AS ?x) ... }: the outer value does not reach the BIND, so
        # the pattern matches anything (measured: an earlier coverage-matrix's actions x
        # Commissioner priorities grid, 85 cells all covered where 61 are).
        re.compile(r"EXISTS\s*\{\s*BIND\s*\(", re.IGNORECASE),
        "Virtuoso 7.2 does not carry an outer variable into a BIND inside EXISTS (the "
        "test matches anything); ask it on another backend",
    ),
    Refusal(
        None,
        "Virtuoso 7.2 loses rows from a grouped subquery nested in a subquery inside an "
        "OPTIONAL once the data grows (measured: 184 rows of 198 at 1M triples, right at "
        "100k); ask it on another backend",
        shape=nested_group_by,
    ),
    Refusal(
        re.compile(r"BIND\s*\(\s*(?:NOT\s+)?EXISTS", re.IGNORECASE),
        "EXISTS used as a value comes back as 1/0 integers on Virtuoso 7.2 (here in a "
        "form the profile cannot rewrite: unbalanced braces or no AS)",
    ),
    Refusal(
        # plan-summary's shape: grouped subqueries that each start from the same page of
        # plans (a DISTINCT subquery opening with BIND), joined: Virtuoso 7.2 returns no
        # row where there is one.
        re.compile(
            r"(?:\{\s*SELECT\s+DISTINCT\s+\?\w+\s+WHERE\s*\{\s*BIND\b.*?){3,}",
            re.IGNORECASE | re.DOTALL,
        ),
        "Virtuoso 7.2 drops rows when grouped subqueries that each start from the same "
        "LIMIT/OFFSET page are joined; ask it on another backend",
        unless=None,
    ),
    Refusal(
        # What the rewrites leave: a p* path in any other place.  Virtuoso 7.2 may drop
        # the zero-length match (the node itself) once the path is joined to a pattern.
        # Measured: with a variable at the far end (a/rdfs:subClassOf* ?class) it is right.
        re.compile(rf"(?:{_PREFIXED})\*\s+(?:{_PREFIXED})"),
        "a zero-length property path to a constant (?x p* <c>) joined to other patterns "
        "loses <c> itself on Virtuoso 7.2; write it as "
        "{ SELECT DISTINCT ?x WHERE { ?x p* <c> } }",
        unless=_SAFE_STAR,
    ),
)

PROFILES: dict[str, BackendProfile] = {
    "oxigraph": BackendProfile(
        name="oxigraph",
        summary="Oxigraph server (oxigraph serve --union-default-graph)",
        query_path="/query",
        update_path="/update",
        graph_store_path="/store",
    ),
    "virtuoso": BackendProfile(
        name="virtuoso",
        summary="OpenLink Virtuoso 7.2 (reads /sparql, writes /sparql-auth and "
        "/sparql-graph-crud-auth with digest auth)",
        query_path="/sparql",
        update_path="/sparql-auth",
        graph_store_path="/sparql-graph-crud-auth",
        graph_read_path="/sparql-graph-crud",
        auth="digest",
        hidden_graphs=VIRTUOSO_SYSTEM_GRAPHS,
        setup=virtuoso_setup("cspkg"),
        dataset_dump=False,
        timeout_param="timeout",
        partial_header=("X-SQL-State", "S1TAT"),
        bnode_prefix=b"nodeID://",
        canonical_booleans=True,
        version_graph=True,
        base_in_text=True,
        using_in_text=True,
        error=virtuoso_error,
        rewrites=VIRTUOSO_REWRITES,
        update_rewrite=virtuoso_update,
        refusals=VIRTUOSO_REFUSALS,
    ),
    "generic": BackendProfile(
        name="generic",
        summary="any SPARQL 1.1 server serving query, update and the Graph Store "
        "Protocol at one URL (Fuseki's dataset URL, for one), default graph = union",
        query_path="",
        update_path="",
        graph_store_path="",
    ),
}


def backend_base(url: str, profile: BackendProfile) -> str:
    """The server's base address from what a user gave: the base itself, or one of the
    profile's endpoint addresses (``http://host:8890/sparql``, the one Virtuoso shows,
    which users paste).  Anything else that cannot be a base is refused at once, saying
    what to give: before, a pasted endpoint address made every write go to
    ``/sparql/sparql-graph-crud-auth`` and ``cspkg load`` waited minutes for a 500."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise CspkgError(
            f"the backend address '{url}' is not an http(s) URL; give the server's base "
            f"address, for example {_EXAMPLE_BASE.get(profile.name, 'http://127.0.0.1:7878')}"
        )
    if parts.query or parts.fragment:
        bare = backend_base(f"{parts.scheme}://{parts.netloc}{parts.path}", profile)
        raise CspkgError(
            f"the backend address '{url}' has a query or fragment; give the server's base "
            f"address ({bare})"
        )
    path = parts.path.rstrip("/")
    endpoints = {profile.query_path, profile.update_path, profile.graph_store_path}
    endpoints.add(profile.graph_read_path or "")
    for endpoint in sorted((e for e in endpoints if e), key=len, reverse=True):
        if path.endswith(endpoint):
            path = path[: -len(endpoint)]
            break
    return f"{parts.scheme}://{parts.netloc}{path}"


_EXAMPLE_BASE = {"virtuoso": "http://127.0.0.1:8890", "oxigraph": "http://127.0.0.1:7878"}


def get_profile(name: str) -> BackendProfile:
    """The profile called ``name``; an unknown name lists the known ones."""
    try:
        return PROFILES[name]
    except KeyError:
        known = ", ".join(sorted(PROFILES))
        raise CspkgError(f"unknown backend profile '{name}' (known: {known})") from None
