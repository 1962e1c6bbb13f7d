"""Outputs compared across runs executed differently (workers, engine, retries)."""

from __future__ import annotations

import json


def same_batch(name: str, data: bytes) -> bytes:
    """A file as the batch decides it: summary.json without its ``execution`` block
    (the engine, workers and retries of the run that wrote it); any other file as it is."""
    if not name.endswith("summary.json"):
        return data
    summary = json.loads(data)
    summary.pop("execution")
    return json.dumps(summary, ensure_ascii=False, indent=2).encode()
