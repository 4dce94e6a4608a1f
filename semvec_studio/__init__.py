"""SemVec Studio: a workbench for the vectors transformer models give words and sentences."""

__version__ = "0.1.0"
