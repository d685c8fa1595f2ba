"""The feed benchmark: seed three MariaDB databases, run the graph, load the feed, time a fan-out."""
