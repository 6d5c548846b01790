"""The store interface and its embedded (pyoxigraph) and remote (SPARQL HTTP) versions."""

from .base import AskResult, GraphResult, QueryResult, SelectResult, Store
from .embedded import EmbeddedStore
from .factory import open_store
from .remote import RemoteStore

__all__ = [
    "AskResult",
    "EmbeddedStore",
    "GraphResult",
    "QueryResult",
    "RemoteStore",
    "SelectResult",
    "Store",
    "open_store",
]
