"""The output vocabulary of a MarianMT model: the pieces its target side can produce.

opus-mt models share one ``vocab.json`` between encoder and decoder: the union of the source
SentencePiece model's pieces and the target model's (opus-mt-de-en: two 32k models, 58,101
ids). Only the target pieces make sense as output (the target model is what turns pieces back
into text), so both engines restrict generation to them, as Marian's own shortlists do:

* CTranslate2 computes the output layer for those ids only (``vmap.txt`` written at
  conversion, ``use_vmap``): ~32k rows instead of 58,101 on opus-mt-de-en;
* transformers masks the other ids (``suppress_tokens``), so the two backends still agree
  token for token.

Reads the model's files with sentencepiece; no model library is imported.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

#: Marian's special entries: ``</s>`` (id 0, also eos), ``<unk>`` (1) and ``<pad>`` (the last id).
EOS, UNK, PAD = "</s>", "<unk>", "<pad>"

#: The file CTranslate2 reads a vocabulary mapping from (in a converted model's folder).
VMAP_FILE = "vmap.txt"


def target_pieces(folder: Path) -> list[str] | None:
    """The ``vocab.json`` entries a translation may contain, in id order, or None for "all".

    That is ``</s>``, ``<unk>`` and every piece of ``target.spm`` that ``vocab.json`` has.
    None when nothing would be left out (one SentencePiece model for both sides, or a model
    without ``target.spm``), or when the model keeps separate vocabularies (its decoder
    vocabulary already is the target side).
    """
    spm_file, vocab_file = folder / "target.spm", folder / "vocab.json"
    if not spm_file.is_file() or not vocab_file.is_file():
        return None
    tok_config = read_json(folder / "tokenizer_config.json")
    if tok_config.get("separate_vocabs"):
        return None
    import sentencepiece as spm

    vocab = read_json(vocab_file)
    proc = spm.SentencePieceProcessor(model_file=str(spm_file))
    pieces = {
        proc.id_to_piece(i)
        for i in range(proc.get_piece_size())
        if not (proc.is_control(i) or proc.is_unknown(i))
    }
    keep = {EOS, UNK} | (pieces & vocab.keys())
    if all(token in keep or token == PAD for token in vocab):
        return None
    return sorted(keep, key=lambda token: int(vocab[token]))


def write_vmap(converted: Path, tokens: list[str]) -> Path:
    """Write CTranslate2's vocabulary map: the empty source n-gram maps to ``tokens``.

    CTranslate2 always keeps the targets of the empty n-gram (and ``<unk>``, ``</s>``), so
    with ``use_vmap`` the output layer covers exactly these tokens, whatever the input.
    """
    path = converted / VMAP_FILE
    path.write_text("\t" + " ".join(tokens) + "\n", "utf-8")
    return path


def read_json(path: Path, *, lenient: bool = False) -> dict[str, Any]:
    """A JSON object from ``path``; {} when the file is missing or holds no object.

    An unreadable file or invalid JSON raises (OSError, ValueError), unless ``lenient``:
    then it is {} too (metadata that is merely informative or has a default).
    """
    try:
        if not path.is_file():
            return {}
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        if not lenient:
            raise
        return {}
    return data if isinstance(data, dict) else {}
