"""2-D maps of vectors: project() and one registry entry per method, neighbours, quality, files, clusters.

``project.project`` is the entry point; ``methods.METHODS`` the registry (``pca``, ``tsne``,
``umap``, ``axes``: one module each); ``neighbours`` exact k-NN; ``quality`` how well a map keeps
them; ``clusters`` k-means; ``context`` maps of a few rows (Word in context); ``files`` the
projection.tsv writer and a projection saved beside its vectors; ``threads`` the BLAS thread count.
Below ``models``, ``extract`` and ``train`` in the core's import order: it imports none of them.
"""
