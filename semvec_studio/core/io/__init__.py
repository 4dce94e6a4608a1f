"""Texts and tables in; the EmbeddingSet and its folder; sinks; exporters."""
