"""Offline by construction: imported before transformers anywhere in the app."""

import os

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "true")


def quiet_transformers() -> None:
    """Silence transformers' own progress bars and advice; the app reports progress itself."""
    from transformers.utils import logging as hf_logging  # noqa: PLC0415 - this module runs before transformers may load

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
