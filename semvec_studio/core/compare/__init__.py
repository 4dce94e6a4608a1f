"""Comparing vector spaces of the same rows: linear CKA, k-NN overlap, Procrustes alignment of maps, the layer lab, static vectors."""
