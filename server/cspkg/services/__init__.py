"""Use cases that combine the parts: importing, querying, loading."""
