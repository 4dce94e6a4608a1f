"""2-D maps of vectors (one registry entry per method), nearest neighbours, quality, files, clusters."""
