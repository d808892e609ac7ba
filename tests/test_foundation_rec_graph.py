"""The second reader's rewritten network computes what the exported one does, with fewer
operations (pipeline/rec_graph.py)."""

from __future__ import annotations

import numpy as np
import pytest

from pipeline import rec_graph, second_reader
from tests.test_foundation_second_reader import _line_image

onnx = pytest.importorskip("onnx")


@pytest.fixture(scope="module")
def sessions():
    import onnxruntime as ort

    path = second_reader.model_path()
    assert path is not None, "the PP-OCR model is not installed: run make setup"
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.log_severity_level = 3
    rewritten = rec_graph.prepared_model(path)
    assert rewritten is not None
    return (ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"]),
            ort.InferenceSession(rewritten, options, providers=["CPUExecutionProvider"]),
            onnx.load(str(path)), onnx.load_from_string(rewritten))


def _batch(image: np.ndarray, width: int = 640) -> np.ndarray:
    import cv2

    w = min(width, int(np.ceil(48 * image.shape[1] / image.shape[0])))
    resized = cv2.resize(cv2.cvtColor(image, cv2.COLOR_GRAY2BGR), (w, 48)).astype(np.float32)
    batch = np.zeros((1, 3, 48, width), np.float32)
    batch[0, :, :, :w] = (resized.transpose(2, 0, 1) / 255.0 - 0.5) / 0.5
    return batch


@pytest.mark.slow
@pytest.mark.parametrize("text", ["上海鼎算信息技术有限公司", "91310117MA1J3K5X2P", "二〇二六年三月十九日"])
def test_the_rewritten_network_gives_the_same_probabilities(sessions, text):
    before, after, _, _ = sessions
    x = _batch(_line_image(text))
    p0 = before.run(None, {before.get_inputs()[0].name: x})[0]
    p1 = after.run(None, {after.get_inputs()[0].name: x})[0]
    assert p0.shape == p1.shape
    assert np.abs(p0 - p1).max() < 1e-3
    assert (p0.argmax(-1) == p1.argmax(-1)).all()


@pytest.mark.slow
def test_noise_gives_the_same_probabilities_too(sessions):
    """Not only clean text: the rewrite is exact arithmetic, so any input agrees."""
    before, after, _, _ = sessions
    x = np.random.default_rng(7).uniform(-1, 1, (1, 3, 48, 320)).astype(np.float32)
    p0 = before.run(None, {"x": x})[0]
    p1 = after.run(None, {"x": x})[0]
    assert np.abs(p0 - p1).max() < 1e-3


@pytest.mark.slow
def test_the_small_operations_are_gone(sessions):
    _, _, exported, rewritten = sessions

    def count(model, op):
        return sum(1 for n in model.graph.node if n.op_type == op)

    assert count(exported, "Clip") >= 20 and count(rewritten, "Clip") == 0  # hard-swish fused
    assert count(rewritten, "HardSigmoid") == count(exported, "HardSigmoid") + count(exported, "Clip")
    assert count(rewritten, "Conv") == count(exported, "Conv")
    assert count(rewritten, "Mul") + count(rewritten, "Add") < (count(exported, "Mul") + count(exported, "Add")) / 2


def test_a_file_that_is_no_model_is_left_to_run_as_it_is(tmp_path):
    """The rewrite never stops the second reader: what it cannot read it leaves alone."""
    junk = tmp_path / "rec.onnx"
    junk.write_bytes(b"not a model")
    assert rec_graph.prepared_model(junk) is None
