"""Use cases the CLI and the web layer share: each takes its collaborators as arguments."""
