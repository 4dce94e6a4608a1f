"""Classifier training: parameters, data, the loop, the weight average, metrics, probe, run folder, inference."""
