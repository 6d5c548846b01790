"""CSP Knowledge Graph: a Community Safety Partnership's delivery plan as linked data."""

__version__ = "0.1.0"
