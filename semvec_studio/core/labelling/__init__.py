"""Labelling in the loop: suggestions from a fast classifier on cached sentence vectors, the
strategies that choose which rows to label next, "more like this", label errors, and the
labelling simulation. Pure numpy and scikit-learn; no Qt."""
