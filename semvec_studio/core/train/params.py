"""What goes into a training run and what comes out: :class:`TrainParams` (the one table of
training options: the CLI's flags, the Train tab's form and its saved state are generated from
it) and :class:`TrainResult`.

Defaults are chosen to give a good model on ~1,000 labelled rows untuned; the figures behind
them are in README ("Measured figures") and ``tests/benchmarks/sweep_sst2.py``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from semvec_studio.core.checkpoints import DEFAULT_MODEL, DEVICES
from semvec_studio.core.extract.pooling import SENTENCE_POOLERS
from semvec_studio.core.options import check, fields_of, option

METHODS = ("finetune", "probe")
METRICS = ("macro_f1", "accuracy", "val_loss")
PRECISIONS = ("auto", "float32", "bfloat16")

DATA, VALIDATION, MODEL, TRAINING, PROBE, RUN = "labelled file", "validation", "model", "training", "linear probe", "run"


@dataclass(frozen=True)
class TrainParams:
    """Everything a run needs. ``run=False`` fields say how to run it, not what to compute."""

    csv: str = option("", help="labelled training file (.csv, .tsv or .jsonl); not needed with --resume", label="Labelled file",
                      group=DATA, saved=False)
    output: str = option("", help="output folder: the model, metrics.json, loss.csv, params.json", label="Output folder",
                         group=RUN, flag="--output", saved=False)
    text_column: str | None = option(None, help="column with the texts (default: 'text' or 'sentence')", label="Text column",
                                     group=DATA, saved=False)
    label_column: str | None = option(None, help="column with the labels (default: 'label', 'class', 'category', ...)",
                                      label="Label column", group=DATA, saved=False)
    text_field: str | None = option(None, help="JSON lines (.jsonl) files: the field with the texts (default: 'text' or 'sentence', "
                                    "as in CLUE)", label="Text field", group=DATA, saved=False, form=False)
    label_field: str | None = option(None, help="JSON lines (.jsonl) files: the field with the labels (default: 'label'; CLUE's "
                                     "label names are in 'label_desc')", label="Label field", group=DATA, saved=False, form=False)
    delimiter: str | None = option(None, help="delimiter (default: sniffed; .tsv files: tab)", label="Delimiter", group=DATA,
                                   saved=False)
    encoding: str | None = option(None, help="file encoding (default: UTF-8, else detected with a warning)", label="Encoding",
                                  group=DATA, saved=False)
    quoting: bool = option(True, help="fields are quoted; off: sentences may contain bare \"", label="Quoted fields",
                           group=DATA, flag="--no-quoting", saved=False)
    val_csv: str | None = option(None, help="a separate validation file (default: hold out --val-split of --csv)",
                                 label="Validation file", group=VALIDATION, saved=False)
    val_split: float = option(0.1, help="fraction of each class held out for validation, seeded", label="Validation share",
                              group=VALIDATION, low=0, high=1, low_open=True, high_open=True, step=0.05, decimals=2,
                              rule="give a fraction between 0 and 1 (e.g. 0.1), or a separate validation file.")
    eval_every: int | None = option(None, help="evaluate every N steps (default: at the end of every epoch)",
                                    label="Evaluate every", group=VALIDATION, low=1, high=1_000_000, none="each epoch")
    metric: str = option("macro_f1", help="picks the best checkpoint and drives early stopping; macro-F1 treats every class equally",
                         label="Best by", group=VALIDATION, choices=METRICS)
    ties_within: float = option(1.0, help="validation figures within this many standard errors of the best are ties (a small "
                                "validation set cannot order them), and the latest of them is kept; 0 = strictly the best",
                                label="Ties within (SE)", group=VALIDATION, low=0, high=10, step=0.5, decimals=2, zero="strictly the best",
                                rule="give 0 or more standard errors (e.g. 1).")
    patience: int | None = option(3, help="stop after this many evaluations without improvement; 0 = never",
                                  label="Patience", group=VALIDATION, low=1, high=1000, none="never stop early")
    model: str = option(DEFAULT_MODEL, help="'default' (bundled all-MiniLM-L6-v2) or a local Hugging Face model folder",
                        label="Base model", group=MODEL)
    method: str = option("finetune", help="finetune the whole model, or probe: a logistic regression on the frozen "
                         "model's pooled vectors (seconds; a quick baseline)", label="Method", group=TRAINING, choices=METHODS)
    epochs: int = option(5, help="passes over the training rows", label="Epochs", group=TRAINING, low=1, high=1000)
    lr: float = option(1e-4, help="peak learning rate of AdamW after the warm-up; 1e-4 suits small models, large ones prefer 2e-5",
                       label="Learning rate", group=TRAINING, low=0, high=1, low_open=True, step=1e-5, decimals=6,
                       rule="must be above 0 (e.g. 1e-4).")
    batch_size: int = option(32, help="texts per step; lower it if memory runs out", label="Batch size", group=TRAINING,
                             low=1, high=4096)
    max_length: int = option(128, help="tokens per text; longer texts are cut", label="Max length", group=TRAINING,
                             low=4, high=65536, rule="must be at least 4 tokens.")
    weight_decay: float = option(0.01, help="AdamW weight decay; not applied to biases and LayerNorm", label="Weight decay",
                                 group=TRAINING, low=0, high=1, step=0.01, decimals=3)
    warmup: float = option(0.1, help="fraction of the steps spent raising the learning rate from 0", label="Warm-up",
                           group=TRAINING, low=0, high=1, high_open=True, step=0.05, decimals=2,
                           rule="give the fraction of steps to warm up, from 0 to below 1.")
    seed: int = option(42, help="seeds the split, the batch order and the new classifier head", label="Seed", group=TRAINING,
                       low=0, high=2**31 - 1)
    max_steps: int | None = option(None, help="stop after this many steps (the schedule spans them); 0 = no limit",
                                   label="Max steps", group=TRAINING, low=1, high=10**9, none="no limit", advanced=True)
    grad_clip: float = option(1.0, help="clip the gradient norm to this; 0 = no clipping", label="Gradient clip",
                              group=TRAINING, low=0, high=1e6, step=0.5, decimals=2, zero="no clipping", advanced=True)
    average: float = option(0.995, help="evaluate and keep a moving average of the weights, this decay per step "
                            "(~1/(1-decay) steps; 0.995: ~200), steadier than any single step's weights; 0 = the raw weights",
                            label="Average", group=TRAINING, low=0, high=1, high_open=True, step=0.001, decimals=4, zero="raw weights",
                            rule="give the moving average's decay per step, from 0 (off) to below 1 (e.g. 0.995).")
    group_by_length: bool = option(True, help="batches of similar lengths (less padding); off: plain shuffled batches",
                                   label="Group by length", group=TRAINING, flag="--no-group-by-length", advanced=True)
    layer: int = option(-1, help="layer whose pooled vectors are used: 0 = embeddings, -1 = last", label="Probe layer",
                        group=PROBE, low=-1000, high=1000)
    pooling: str = option("mean", help="sentence pooling", label="Probe pooling", group=PROBE, choices=tuple(SENTENCE_POOLERS))
    probe_c: float = option(1.0, help="inverse regularisation strength of the logistic regression", label="Probe C",
                            group=PROBE, low=0, high=1e6, low_open=True, step=0.5, decimals=4, rule="must be above 0.")
    device: str = option("auto", help="auto, cpu, cuda or mps; auto picks a GPU when there is one", label="Device",
                         group=MODEL, choices=DEVICES, run=False)
    precision: str = option("auto", help="auto: bf16 autocast only on hardware with native bf16 (GPU, AMX/AVX512-BF16 CPU), "
                            "else float32", label="Precision", group=MODEL, choices=PRECISIONS, run=False)
    allow_pickle: bool = option(False, help="allow pickle (*.bin) weights; only for checkpoints you trust",
                                label="Allow pickle weights", group=MODEL, run=False, form=False, saved=False)
    overwrite: bool = option(False, help="replace OUTDIR if it exists", label="Replace", group=RUN, flag="--force", run=False,
                             form=False, saved=False)
    resume: bool = option(False, help="continue the unfinished run in OUTDIR from its last checkpoint", label="Resume",
                          group=RUN, run=False, form=False, saved=False)
    keep_checkpoint: bool = option(False, help="keep the resumable checkpoint/ subfolder when the run finishes",
                                   label="Keep the checkpoint", group=RUN, run=False, advanced=True)

    def validate(self) -> None:
        """Raise :class:`UsageError` for a value out of range or a choice not offered, before any work."""
        # with a separate validation file the share is not used, whatever it says
        check(dataclasses.replace(self, val_split=0.1) if self.val_csv else self)

    def run_dict(self) -> dict:
        """The fields that define what the run computes (``--resume`` refuses a change of these)."""
        return {f.name: getattr(self, f.name) for f in fields_of(self) if f.option.run and f.name != "output"}

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> TrainParams:
        """From a params.json: the known fields, the others (``split``, ``resolved``) ignored."""
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass(frozen=True)
class TrainResult:
    path: Path
    status: str  # "finished" or "stopped early"
    steps: int
    best_step: int | None
    metrics: dict
    seconds: float


def absolute_paths(params: TrainParams) -> TrainParams:
    """Data and model paths made absolute, so a run can be resumed from another folder."""
    def fix(p):
        return None if p is None else str(Path(p).expanduser().absolute())

    model = params.model if params.model == DEFAULT_MODEL else fix(params.model)
    return dataclasses.replace(params, csv=fix(params.csv), val_csv=fix(params.val_csv), model=model, output=fix(params.output))
