"""From documents to graphs: reading plans, the agency register, validation."""
