"""The derived deployment files' YAML writer: what it writes reads back as what it was given."""

from __future__ import annotations

import yaml

from beyond.yaml_text import dump


def test_tricky_scalars_and_shapes_read_back_unchanged() -> None:
    value = {
        "words YAML 1.1 would turn into booleans, numbers or null": ["on", "y", "No", "null"],
        "times and indicators": ["10:30", ".inf", "-x", "a: b", "#c", "x #y", "@a", "ok:", ""],
        "plain": ["redis://redis:6379/0", "beyond-router", "/etc/beyond/router.toml"],
        "nested": [{"name": "http", "port": 4000}, {"empty": {}, "none": []}],
        "multi-line": '[router]\nerrors = "mask"\n',
        "scalars": {"yes": True, "ratio": 1.5, "count": 3},
    }
    text = dump(value)
    assert yaml.safe_load(text) == value
    assert "  - redis://redis:6379/0" not in text  # lists of scalars are written in flow style
