"""The plots the panels draw with pyqtgraph: heatmap, scatter (level of detail), loss curve, layer profile."""
