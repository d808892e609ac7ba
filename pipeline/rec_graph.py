"""The second reader's network, rewritten once per process to cost half as much to run.

PP-OCRv4's recogniser was exported from Paddle with every small operation spelled out:
each convolution is followed by a learnable scale and shift (``Mul``, ``Add`` by one
number) and a hard-swish written as four operations (``Add 3``, ``Clip 0..6``, ``Mul``,
``Div 6``), and each activation by another scale and shift. onnxruntime fuses none of
them, so half of a line's recognition time went into passes over memory that compute
almost nothing (profiled on the intake bench's crops: Conv 33 %, Mul 21 %, Add 17 %,
Clip, Div and layout reorders the rest).

The rewrite computes the same function up to float rounding (largest difference in a
character probability on the bench's crops: 0.00015; the same text for all 209 crops):
- a scale and shift after a convolution (or batch norm) go into its weights and bias;
- the hard-swish ``x·clip(x+3, 0, 6)/6`` becomes ``x·HardSigmoid(x)``, which onnxruntime
  fuses into the convolution before it;
- a scale (and shift) after an activation go into the next convolution: the scale into its
  weights, the shift divided by the scale stays in front of it (exact at the zero-padded
  borders), or into its bias when it is a 1×1 convolution without padding.
Measured on the intake bench's 9 OCR pages (209 crops, one thread): 6.4 s -> 3.2 s.

Nothing is rewritten unless the pattern matches exactly, so another export of the model
runs as it is, only not faster. Needs the ``onnx`` package; without it the model runs
unchanged.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)


def prepared_model(path: Path) -> bytes | None:
    """The model at ``path`` rewritten, serialised for ``onnxruntime.InferenceSession``;
    None when the ``onnx`` package is missing (the caller runs the file as it is)."""
    try:
        import onnx
    except ImportError:
        log.info("onnx not importable: the recogniser runs as exported (about twice as slow)")
        return None
    try:
        model = onnx.load(str(path))
        graph = _Graph(model.graph)
        counts = {"hard-swish": graph.fuse_hard_swish(),
                  "affine into producer": graph.fold_affine_into_producer(),
                  "affine into next conv": graph.fold_affine_into_next_conv()}
        graph.write_back()
        onnx.checker.check_model(model)
    except Exception:  # noqa: BLE001 - a model this does not understand runs as exported
        log.warning("the recogniser's graph could not be rewritten; it runs as exported", exc_info=True)
        return None
    log.debug("recogniser graph rewritten: %s", counts)
    return model.SerializeToString()


class _Graph:
    """The graph's nodes and constants, with who consumes what."""

    def __init__(self, graph) -> None:
        from onnx import numpy_helper

        self.graph = graph
        self.nodes = []
        self.consts: dict[str, np.ndarray] = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
        for node in graph.node:  # Paddle's export keeps weights in Constant nodes
            if node.op_type == "Constant" and len(node.attribute) == 1 and node.attribute[0].name == "value":
                self.consts[node.output[0]] = numpy_helper.to_array(node.attribute[0].t)
            else:
                self.nodes.append(node)
        self.new_consts: dict[str, np.ndarray] = {}
        self._index()

    def _index(self) -> None:
        self.consumers: dict[str, list] = defaultdict(list)
        for node in self.nodes:
            for name in node.input:
                self.consumers[name].append(node)

    def write_back(self) -> None:
        from onnx import numpy_helper

        used = {name for node in self.nodes for name in node.input}
        outputs = {o.name for o in self.graph.output}
        del self.graph.node[:]
        self.graph.node.extend(self.nodes)
        del self.graph.initializer[:]
        for name, value in {**self.consts, **self.new_consts}.items():
            if name in used or name in outputs:
                self.graph.initializer.append(numpy_helper.from_array(value, name))

    # ------------------------------------------------------------------ helpers

    def value(self, name: str) -> np.ndarray | None:
        return self.new_consts.get(name, self.consts.get(name))

    def scalar(self, name: str) -> float | None:
        value = self.value(name)
        if value is None or value.size != 1 or value.dtype != np.float32:
            return None
        return float(value.ravel()[0])

    def const_input(self, node) -> tuple[str, float] | None:
        """The node's one scalar constant input and its value, if it has exactly one."""
        found = [(n, self.scalar(n)) for n in node.input if self.scalar(n) is not None]
        others = [n for n in node.input if self.scalar(n) is None]
        return found[0] if len(found) == 1 and len(others) == 1 else None

    def other_input(self, node, const_name: str) -> str:
        return next(n for n in node.input if n != const_name)

    def only_consumer(self, name: str, op_type: str):
        users = self.consumers.get(name, [])
        return users[0] if len(users) == 1 and users[0].op_type == op_type else None

    def add_const(self, name: str, value: np.ndarray) -> str:
        self.new_consts[name] = value.astype(np.float32)
        return name

    def affine_after(self, name: str):
        """``Mul`` by a scalar, then optionally ``Add`` of a scalar, as the only consumers of
        ``name``: (mul, add or None, scale, shift)."""
        mul = self.only_consumer(name, "Mul")
        if mul is None or (found := self.const_input(mul)) is None:
            return None
        add = self.only_consumer(mul.output[0], "Add")
        shift = self.const_input(add) if add is not None else None
        if shift is None:
            return mul, None, found[1], 0.0
        return mul, add, found[1], shift[1]

    def drop(self, *nodes) -> None:
        gone = {id(n) for n in nodes if n is not None}
        self.nodes = [n for n in self.nodes if id(n) not in gone]
        self._index()

    @staticmethod
    def attr(node, name: str, default):
        for a in node.attribute:
            if a.name == name:
                return list(a.ints) if a.ints else a.i
        return default

    # ------------------------------------------------------------------ rewrites

    def fuse_hard_swish(self) -> int:
        from onnx import helper

        count = 0
        for add in [n for n in self.nodes if n.op_type == "Add"]:
            three = self.const_input(add)
            if three is None or three[1] != 3.0:
                continue
            x = self.other_input(add, three[0])
            clip = self.only_consumer(add.output[0], "Clip")
            if clip is None or len(clip.input) != 3 or [self.scalar(n) for n in clip.input[1:]] != [0.0, 6.0]:
                continue
            mul = self.only_consumer(clip.output[0], "Mul")
            if mul is None or sorted(mul.input) != sorted([x, clip.output[0]]):
                continue
            div = self.only_consumer(mul.output[0], "Div")
            if div is None or div.input[0] != mul.output[0] or self.scalar(div.input[1]) != 6.0:
                continue
            gate = helper.make_node("HardSigmoid", [x], [div.output[0] + "/gate"], alpha=1 / 6, beta=0.5)
            out = helper.make_node("Mul", [x, gate.output[0]], [div.output[0]])
            at = next(i for i, n in enumerate(self.nodes) if n is add)
            self.nodes[at:at + 1] = [gate, out]
            self.drop(clip, mul, div)
            count += 1
        return count

    def fold_affine_into_producer(self) -> int:
        count = 0
        for node in [n for n in self.nodes if n.op_type in ("Conv", "BatchNormalization")]:
            found = self.affine_after(node.output[0])
            if found is None:
                continue
            mul, add, scale, shift = found
            if node.op_type == "Conv":
                weight = self.value(node.input[1]) if len(node.input) > 1 else None
                if weight is None:
                    continue
                bias = self.value(node.input[2]) if len(node.input) > 2 and node.input[2] else None
                bias = np.zeros(weight.shape[0], np.float32) if bias is None else bias
                node.input[1] = self.add_const(f"{node.input[1]}/folded{count}", weight * scale)
                new_bias = self.add_const(f"{node.output[0]}/folded_bias{count}", bias * scale + shift)
                if len(node.input) > 2:
                    node.input[2] = new_bias
                else:
                    node.input.append(new_bias)
            else:
                gamma, beta = (self.value(n) for n in node.input[1:3])
                if gamma is None or beta is None:
                    continue
                node.input[1] = self.add_const(f"{node.input[1]}/folded{count}", gamma * scale)
                node.input[2] = self.add_const(f"{node.input[2]}/folded{count}", beta * scale + shift)
            node.output[0] = (add or mul).output[0]
            self.drop(mul, add)
            count += 1
        return count

    def fold_affine_into_next_conv(self) -> int:
        count = 0
        for mul in [n for n in self.nodes if n.op_type == "Mul"]:
            found = self.const_input(mul)
            if found is None or found[1] == 0.0:
                continue
            scale = found[1]
            x = self.other_input(mul, found[0])
            add = self.only_consumer(mul.output[0], "Add")
            shift = self.const_input(add) if add is not None else None
            if add is not None and shift is None:
                continue
            conv = self.only_consumer((add or mul).output[0], "Conv")
            weight = self.value(conv.input[1]) if conv is not None else None
            if weight is None or conv.input[0] != (add or mul).output[0]:
                continue
            conv.input[1] = self.add_const(conv.input[1] + f"/scaled{count}", weight * scale)
            one_by_one = (list(weight.shape[2:]) == [1, 1] and not any(self.attr(conv, "pads", [0]))
                          and self.attr(conv, "group", 1) == 1)
            if add is None:
                conv.input[0] = x
                self.drop(mul)
            elif one_by_one:  # no padding: the shift is a constant per output channel
                bias = self.value(conv.input[2]) if len(conv.input) > 2 and conv.input[2] else None
                bias = np.zeros(weight.shape[0], np.float32) if bias is None else bias
                new_bias = self.add_const(conv.output[0] + "/shifted_bias", bias + shift[1] * weight.sum(axis=(1, 2, 3)))
                if len(conv.input) > 2:
                    conv.input[2] = new_bias
                else:
                    conv.input.append(new_bias)
                conv.input[0] = x
                self.drop(mul, add)
            else:  # zero padding: keep the shift in front, divided by the scale
                add.input[list(add.input).index(shift[0])] = self.add_const(
                    add.output[0] + "/unscaled", np.array([shift[1] / scale], np.float32))
                add.input[list(add.input).index(mul.output[0])] = x
                self.drop(mul)
            count += 1
        return count
