"""From texts to vectors: windows, pooling, the encode loop, the pipeline and small analyses."""
