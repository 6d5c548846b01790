"""Use cases the CLI and the web layer share: importing, querying, loading."""
