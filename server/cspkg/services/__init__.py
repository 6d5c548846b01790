"""Use cases over the store: SPARQL with limits and policy, validated loading, description."""
