"""Batch generation: readers (CSV/XLSX/JSONL), the per-account pipeline, the journal."""
