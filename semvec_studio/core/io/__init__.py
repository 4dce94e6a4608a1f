"""Texts and tables in (decoding, tables, texts); the EmbeddingSet and its folder (vectors, metadata); sinks; exporters."""
