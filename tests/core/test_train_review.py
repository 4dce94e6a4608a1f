"""The review of a finished run (what the training panel shows): predictions of the same
validation rows the run held out, the misclassified list, and before/after maps."""

from __future__ import annotations

import json

import numpy as np
import pytest

from semvec_studio.core.errors import ModelError
from semvec_studio.core.tasks import NullContext
from semvec_studio.core.train.loop import train
from semvec_studio.core.train.params import TrainParams
from semvec_studio.core.train.review import review_run
from tests.core.test_train import FAST, write_toy


@pytest.fixture(scope="module")
def toy(tmp_path_factory):
    return write_toy(tmp_path_factory.mktemp("toy") / "toy.csv")


def test_review_of_a_finetuned_run(tmp_path, tiny_bert, toy):
    out = tmp_path / "ft"
    train(TrainParams(csv=str(toy), output=str(out), model=str(tiny_bert), max_steps=12, patience=None, **FAST), NullContext())
    r = review_run(out, NullContext(), device="cpu", max_points=10)
    metrics = json.loads((out / "metrics.json").read_text())
    assert r.method == "finetune" and r.labels == ("neg", "pos")
    assert len(r.texts) == metrics["rows"] == 24  # 20% of 120, the run's own validation split
    # the predictions reproduce the saved report
    assert np.mean(r.true == r.predicted) == pytest.approx(metrics["accuracy"])
    wrong = r.misclassified()
    assert all(r.true[i] != r.predicted[i] for i in wrong)
    assert list(r.confidence[wrong]) == sorted(r.confidence[wrong], reverse=True)
    assert r.before.shape == r.after.shape == (10, 2) and len(r.map_rows) == 10
    assert np.isfinite(r.before).all() and np.isfinite(r.after).all()
    assert not np.allclose(r.before, r.after), "the fine-tuned encoder must give its own map"
    assert r.after_colour_by == "true"


def test_review_of_a_probe_reuses_the_base_map(tmp_path, tiny_bert, toy):
    out = tmp_path / "probe"
    train(TrainParams(csv=str(toy), output=str(out), model=str(tiny_bert), method="probe", val_split=0.2), NullContext())
    r = review_run(out, NullContext(), device="cpu")
    assert r.method == "probe" and r.after_colour_by == "predicted"
    assert r.before.shape == (24, 2) and np.array_equal(r.before, r.after)


def test_review_of_a_folder_that_is_no_run(tmp_path):
    with pytest.raises(ModelError, match="metrics.json"):
        review_run(tmp_path, NullContext())
