"""The weights fine-tuning evaluates and saves: an exponential moving average of the trained ones.

Single checkpoints of a small fine-tuning run are noisy, and a validation set of a few hundred
rows cannot tell them apart, so "the best one" is often an unlucky one; the average of the
weights over the last few hundred steps is steadier and at least as good (figures and the
command that measures them: README, "Measured figures"). Optimisation still runs on the raw
weights; only evaluation, the kept checkpoint and early stopping see the average.

The average is bias-corrected, so a short run is not pulled towards the weights it started from:
after step ``t`` it weighs step ``s`` by ``(1 - d) * d**(t - s)``, normalised to sum to 1.
Folding the weights in reads and writes them all, so it is done every ``every`` steps, each
sample standing for the steps since the previous one, and once more before every evaluation, so
what is evaluated always includes the last step. The schedule depends only on the step numbers,
so a resumed run folds in exactly what an uninterrupted one does.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import torch
from safetensors.torch import load_file

from semvec_studio.core.errors import ModelError


def lerp_(targets: list, sources: list, weight: float) -> None:
    """``t += weight * (s - t)`` for every pair, in one fused call where torch offers one
    (``torch._foreach_lerp_``, private), else one ``lerp_`` per tensor (the same numbers)."""
    fused = getattr(torch, "_foreach_lerp_", None)
    if fused is not None:
        fused(targets, sources, weight)
        return
    for t, s in zip(targets, sources):
        t.lerp_(s, weight)


class WeightAverage:
    """An exponential moving average (``decay`` per step) of ``model``'s trainable parameters.
    ``norm`` and ``last`` (from :meth:`state`) restore a saved one."""

    def __init__(self, model, decay: float, *, every: int = 4, norm: float = 0.0, last: int = 0):
        named = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
        self.names = [n for n, _ in named]
        self.params = [p for _, p in named]
        self.average = [p.detach().clone() for p in self.params]  # replaced wholesale by the first fold
        self.decay, self.every = decay, every
        self.norm = norm  # total weight of the steps folded in: 1 - decay**steps
        self.last = last  # the step folded in last
        self._raw: dict | None = None

    def step(self, step: int) -> None:
        """After optimizer step ``step`` (1-based): fold the weights in if ``every`` steps have passed."""
        if step - self.last >= self.every:
            self.fold(step)

    def fold(self, step: int) -> None:
        """Fold the current weights in now, standing for the steps since the last fold."""
        gap = step - self.last
        if gap <= 0:
            return
        kept = self.decay**gap
        self.norm = kept * self.norm + (1.0 - kept)
        with torch.no_grad():
            lerp_(self.average, [p.detach() for p in self.params], (1.0 - kept) / self.norm)
        self.last = step

    def state(self) -> dict:
        """What a checkpoint stores besides the averaged weights (see ``__init__``)."""
        return {"norm": self.norm, "last": self.last}

    @contextmanager
    def applied(self):
        """Inside: the model holds the averaged weights; yields the raw ones (name -> tensor). Nested: the same."""
        if self._raw is not None:
            yield self._raw
            return
        with torch.no_grad():
            raw = [p.detach().clone() for p in self.params]
            for p, a in zip(self.params, self.average):
                p.copy_(a)
        self._raw = dict(zip(self.names, raw))
        try:
            yield self._raw
        finally:
            with torch.no_grad():
                for p, r in zip(self.params, raw):
                    p.copy_(r)
            self._raw = None

    def load_raw(self, path: Path) -> None:
        """Put the raw weights saved by a checkpoint (``runfolder.TRAIN_WEIGHTS_FILE``) back into the model."""
        try:
            tensors = load_file(str(path))
            with torch.no_grad():
                for name, p in zip(self.names, self.params):
                    p.copy_(tensors[name])
        except Exception as exc:
            raise ModelError(f"{path}: the training weights cannot be read ({type(exc).__name__}: {exc}); "
                             "the checkpoint is damaged; start a new run with --force.") from exc
