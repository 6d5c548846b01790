"""Documents made from the graph for people to send on: the quarterly board report."""
