#!/usr/bin/python3
"""Writes the golden GPT-2 fixture that GoldenLogitsTest compares the Java model against.

Run it from anywhere with Debian's PyTorch (apt-get install python3-torch):

    /usr/bin/python3 core/src/test/resources/golden/make_golden.py

It needs nothing but torch: the GPT-2 below is written out by hand, following the numerics of
OpenAI's GPT-2 and Hugging Face's GPT2LMHeadModel (learned positions, pre-LayerNorm blocks with
eps 1e-5, causal attention scaled by 1/sqrt(head_dim), the tanh GELU, ln_f, an LM head tied to
wte). The weights are random but seeded, so running it again gives the same files.

Files written beside this script:
  tiny-gpt2/config.json          Hugging Face config of the tiny architecture
  tiny-gpt2/model.safetensors    F16 weights with GPT2LMHeadModel keys: the "transformer." prefix,
                                 a tied lm_head.weight and the attn.bias / attn.masked_bias buffers
  golden.json                    input ids, logits at sampled vocabulary columns for every
                                 position, argmax and logsumexp over the full vocabulary, greedy
                                 continuations, and a classification-head check
  golden_logits.safetensors      full last-position logit rows (F32) of the first two inputs
"""

import json
import math
import os
import struct

import torch
import torch.nn.functional as F

torch.set_num_threads(2)

HERE = os.path.dirname(os.path.abspath(__file__))

# Small enough to commit (the 50257-row embedding dominates), big enough to have two heads.
VOCAB = 50257
N_POSITIONS = 32
N_EMBD = 8
N_LAYER = 2
N_HEAD = 2
EPS = 1e-5
NEW_TOKENS = 8
END_OF_TEXT = 50256

CASES = [
    ("every_effort", [6109, 3626, 6100, 345]),  # "Every effort moves you"
    ("hello_i_am", [15496, 11, 314, 716]),  # "Hello, I am"
]


# ---------------------------------------------------------------------------------------------
# The reference model: plain functions over a dict of F32 tensors keyed like the checkpoint.


def layer_norm(x, w, b):
    return F.layer_norm(x, (x.shape[-1],), w, b, EPS)


def gelu_tanh(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x.pow(3))))


def conv1d(x, w, b):
    # GPT-2's Conv1D keeps its weight as [in, out]: y = x @ W + b.
    return x @ w + b


def attention(x, w, p):
    B, T, C = x.shape
    hs = C // N_HEAD
    q, k, v = conv1d(x, w[p + "attn.c_attn.weight"], w[p + "attn.c_attn.bias"]).split(C, dim=2)
    q = q.view(B, T, N_HEAD, hs).transpose(1, 2)  # (B, nh, T, hs)
    k = k.view(B, T, N_HEAD, hs).transpose(1, 2)
    v = v.view(B, T, N_HEAD, hs).transpose(1, 2)
    att = (q @ k.transpose(-2, -1)) / math.sqrt(hs)  # (B, nh, T, T)
    causal = torch.tril(torch.ones(T, T, dtype=torch.bool))
    att = att.masked_fill(~causal, float("-inf")).softmax(dim=-1)
    y = (att @ v).transpose(1, 2).reshape(B, T, C)  # (B, T, C)
    return conv1d(y, w[p + "attn.c_proj.weight"], w[p + "attn.c_proj.bias"])


def mlp(x, w, p):
    h = gelu_tanh(conv1d(x, w[p + "mlp.c_fc.weight"], w[p + "mlp.c_fc.bias"]))
    return conv1d(h, w[p + "mlp.c_proj.weight"], w[p + "mlp.c_proj.bias"])


def hidden_states(w, ids):
    """ids: int64 (B, T) -> hidden states after ln_f, (B, T, C)."""
    T = ids.shape[1]
    assert T <= N_POSITIONS
    x = w["wte.weight"][ids] + w["wpe.weight"][:T]
    for i in range(N_LAYER):
        p = "h.%d." % i
        x = x + attention(layer_norm(x, w[p + "ln_1.weight"], w[p + "ln_1.bias"]), w, p)
        x = x + mlp(layer_norm(x, w[p + "ln_2.weight"], w[p + "ln_2.bias"]), w, p)
    return layer_norm(x, w["ln_f.weight"], w["ln_f.bias"])


def logits(w, ids):
    return hidden_states(w, ids) @ w["wte.weight"].T  # tied LM head, no bias


def greedy(w, ids, new_tokens):
    """Greedy continuation; the context is cropped to the last N_POSITIONS tokens."""
    out = list(ids)
    margins = []
    for _ in range(new_tokens):
        ctx = torch.tensor([out[-N_POSITIONS:]], dtype=torch.int64)
        last = logits(w, ctx)[0, -1]
        top = torch.topk(last, 2).values
        margins.append(float(top[0] - top[1]))
        out.append(int(last.argmax()))
    return out[len(ids):], min(margins)


# ---------------------------------------------------------------------------------------------
# Weights: random, with scales that give logits of a few units (so argmax ties cannot happen by
# accident) and non-trivial LayerNorm and bias values (so a wrongly loaded one shows).


def random_weights(gen):
    C = N_EMBD

    def normal(std, *shape):
        return torch.randn(*shape, generator=gen) * std

    w = {
        "wte.weight": normal(0.7, VOCAB, C),
        "wpe.weight": normal(0.3, N_POSITIONS, C),
    }
    for i in range(N_LAYER):
        p = "h.%d." % i
        w[p + "ln_1.weight"] = 1.0 + normal(0.2, C)
        w[p + "ln_1.bias"] = normal(0.1, C)
        w[p + "attn.c_attn.weight"] = normal(0.4, C, 3 * C)
        w[p + "attn.c_attn.bias"] = normal(0.1, 3 * C)
        w[p + "attn.c_proj.weight"] = normal(0.3, C, C)
        w[p + "attn.c_proj.bias"] = normal(0.1, C)
        w[p + "ln_2.weight"] = 1.0 + normal(0.2, C)
        w[p + "ln_2.bias"] = normal(0.1, C)
        w[p + "mlp.c_fc.weight"] = normal(0.4, C, 4 * C)
        w[p + "mlp.c_fc.bias"] = normal(0.1, 4 * C)
        w[p + "mlp.c_proj.weight"] = normal(0.2, 4 * C, C)
        w[p + "mlp.c_proj.bias"] = normal(0.1, C)
    w["ln_f.weight"] = 1.0 + normal(0.2, C)
    w["ln_f.bias"] = normal(0.1, C)
    # The checkpoint stores F16: the reference computes in F32 from the F16-rounded values.
    return {k: v.half().float() for k, v in w.items()}


# ---------------------------------------------------------------------------------------------
# Files.

DTYPES = {torch.float16: "F16", torch.float32: "F32"}


def write_safetensors(path, tensors):
    """Minimal safetensors writer: 8-byte LE header length, JSON header, raw LE data."""
    header = {"__metadata__": {"format": "pt"}}
    blobs = []
    offset = 0
    for name, t in tensors.items():
        t = t.contiguous()
        data = t.numpy().tobytes() if t.dim() > 0 else t.reshape(1).numpy().tobytes()
        header[name] = {
            "dtype": DTYPES[t.dtype],
            "shape": list(t.shape),
            "data_offsets": [offset, offset + len(data)],
        }
        blobs.append(data)
        offset += len(data)
    head = json.dumps(header, separators=(",", ":")).encode("utf-8")
    head += b" " * (-len(head) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(head)))
        f.write(head)
        for b in blobs:
            f.write(b)
    os.replace(tmp, path)


def checkpoint_tensors(w):
    """The key layout of a GPT2LMHeadModel state dict, buffers and tied head included."""
    out = {}
    for name, t in w.items():
        out["transformer." + name] = t.half()
        if name.endswith("ln_1.bias"):
            p = "transformer." + name[: -len("ln_1.bias")]
            out[p + "attn.bias"] = torch.tril(torch.ones(N_POSITIONS, N_POSITIONS)).view(
                1, 1, N_POSITIONS, N_POSITIONS)
            out[p + "attn.masked_bias"] = torch.tensor(-1e4)
    out["lm_head.weight"] = w["wte.weight"].half()
    return out


def config():
    return {
        "architectures": ["GPT2LMHeadModel"],
        "model_type": "gpt2",
        "activation_function": "gelu_new",
        "vocab_size": VOCAB,
        "n_positions": N_POSITIONS,
        "n_ctx": N_POSITIONS,
        "n_embd": N_EMBD,
        "n_layer": N_LAYER,
        "n_head": N_HEAD,
        "layer_norm_epsilon": EPS,
        "resid_pdrop": 0.1,
        "embd_pdrop": 0.1,
        "attn_pdrop": 0.1,
        "bos_token_id": END_OF_TEXT,
        "eos_token_id": END_OF_TEXT,
        "torch_dtype": "float16",
    }


def case_entry(w, name, ids, gen):
    ids_t = torch.tensor([ids], dtype=torch.int64)
    with torch.no_grad():
        lg = logits(w, ids_t)[0]  # (T, V)
        lg64 = logits({k: v.double() for k, v in w.items()}, ids_t)[0]
    generated, margin = greedy(w, ids, NEW_TOKENS)
    argmax = lg.argmax(dim=-1).tolist()
    sampled = torch.randperm(VOCAB - 1, generator=gen)[:32].tolist() + [END_OF_TEXT]
    columns = sorted(set(sampled) | set(argmax) | set(generated))
    print("%-14s T=%2d  greedy %s  min top-2 margin %.4f  |f32 - f64| max %.2e" % (
        name, len(ids), generated, margin, float((lg.double() - lg64).abs().max())))
    assert margin > 1e-3, "greedy choice too close to a tie for a 1e-4 test: change the seed"
    return {
        "name": name,
        "input_ids": ids,
        "columns": columns,
        "logits": [[round(float(v), 7) for v in row[columns]] for row in lg],
        "argmax": argmax,
        "logsumexp": [round(float(v), 7) for v in torch.logsumexp(lg, dim=-1)],
        "greedy_ids": generated,
    }, lg[-1]


def classification_entry(w, gen):
    """The spam head reads one row per sequence: checks that pooling picks the right rows."""
    C = N_EMBD
    score_w = (torch.randn(2, C, generator=gen) * 0.5).half().float()  # PyTorch Linear [out, in]
    score_b = (torch.randn(2, generator=gen) * 0.1).half().float()
    ids = [CASES[0][1], CASES[1][1][:2] + [END_OF_TEXT, END_OF_TEXT]]
    last_index = [3, 1]
    with torch.no_grad():
        h = hidden_states(w, torch.tensor(ids, dtype=torch.int64))  # (B, T, C)
        pooled = h[torch.arange(len(ids)), torch.tensor(last_index)]  # (B, C)
        out = pooled @ score_w.T + score_b
    return {
        "input_ids": ids,
        "last_index": last_index,
        "score_weight": score_w.tolist(),
        "score_bias": score_b.tolist(),
        "logits": [[round(float(v), 7) for v in row] for row in out],
    }


def main():
    gen = torch.Generator().manual_seed(20261126)
    w = random_weights(gen)
    long_ids = torch.randint(0, VOCAB, (N_POSITIONS - 2,), generator=gen).tolist()
    cases = CASES + [("long_prompt_cropped", long_ids)]

    folder = os.path.join(HERE, "tiny-gpt2")
    os.makedirs(folder, exist_ok=True)
    write_safetensors(os.path.join(folder, "model.safetensors"), checkpoint_tensors(w))
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(config(), f, indent=2)
        f.write("\n")

    entries = []
    last_rows = {}
    for i, (name, ids) in enumerate(cases):
        entry, last = case_entry(w, name, ids, gen)
        entries.append(entry)
        if i < 2:
            last_rows[name] = last.contiguous()
    golden = {
        "generator": "make_golden.py, torch " + torch.__version__,
        "n_positions": N_POSITIONS,
        "new_tokens": NEW_TOKENS,
        "cases": entries,
        "classification": classification_entry(w, gen),
    }
    with open(os.path.join(HERE, "golden.json"), "w") as f:
        json.dump(golden, f, indent=1)
        f.write("\n")
    write_safetensors(os.path.join(HERE, "golden_logits.safetensors"), last_rows)


if __name__ == "__main__":
    main()
