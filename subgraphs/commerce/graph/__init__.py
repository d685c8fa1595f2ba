"""The commerce graph's types and root fields, one module per area; ``schema.py`` joins them."""
