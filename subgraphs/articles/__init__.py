"""The articles service: articles, tags, view counts and the feed."""
