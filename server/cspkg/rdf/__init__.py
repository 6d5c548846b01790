"""From documents to graphs: reading plans, the agency register, crime data, validation."""
