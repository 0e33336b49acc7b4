"""Backend-neutral planning for engines: token-budget batches, long-input splits, output bounds.

Pure functions, no model library: the transformers and CTranslate2 engines share them, and the
tests check them directly.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Sequence
from typing import TypeVar

log = logging.getLogger("translator")

T = TypeVar("T")

#: Where a too-long sentence is cut first, best first: clause boundaries.
CLAUSE_SEPARATORS = ("; ", ", ", " – ", ": ")

#: Output bound: ``ratio * input_tokens + extra`` new tokens (see :func:`output_bound`).
OUTPUT_RATIO = 1.5
OUTPUT_EXTRA = 10

CountTokens = Callable[[str], int]

#: Fixed cost of one decoding step of a batch, in beam rows (see :func:`plan_batches`;
#: engines pass their own, measured).
DEFAULT_STEP_ROWS = 6.0


def output_bound(
    n_input_tokens: int, *, cap: int = 511, ratio: float = OUTPUT_RATIO, extra: int = OUTPUT_EXTRA
) -> int:
    """Most new tokens to generate for an input of ``n_input_tokens``.

    A translation is rarely longer than 1.5x its source in tokens; a model stuck repeating
    itself would otherwise run to the position limit (``cap``: 511 for opus-mt's 512
    positions, one of which is the decoder start).
    """
    return max(1, min(cap, math.ceil(ratio * n_input_tokens) + extra))


def max_input_for(cap: int = 511, *, ratio: float = OUTPUT_RATIO, extra: int = OUTPUT_EXTRA) -> int:
    """The longest input whose :func:`output_bound` still fits under ``cap`` (334 for 511).

    Longer inputs are split, so the output bound never cuts a real translation short.
    """
    return max(1, math.floor((cap - extra) / ratio))


def plan_batches(
    lengths: Sequence[int],
    max_batch_size: int,
    max_batch_tokens: int,
    *,
    beams: int = 1,
    step_rows: float = DEFAULT_STEP_ROWS,
    workers: int = 1,
) -> list[list[int]]:
    """Group item indices into batches, longest first, at the least estimated cost.

    Items are sorted longest first and cut into runs of neighbours. A batch runs as many
    decoding steps as its longest item needs; each step costs a fixed part (weights read,
    kernels launched: ``step_rows``, in beam rows) plus ``beams`` rows per item, so a batch
    is estimated at ``longest * (step_rows / beams + len(batch))`` item-steps; the cuts
    minimise the sum (dynamic programming). Large batches of similar lengths win; mixing
    long and short items pays for the short ones' padding.

    Limits: at most ``max_batch_size`` items and ``len(batch) * longest * beams <=
    max_batch_tokens`` (a single item longer than that gets a batch of its own). With
    ``workers`` > 1 (batches
    run in parallel) the dearest batch is also capped, at 1-2x the plan's cost divided by
    the workers, whichever cap is expected to finish first, so that no worker idles while
    another finishes a huge batch. Every index appears exactly once.
    """
    if min(max_batch_size, max_batch_tokens, beams, workers) < 1:
        raise ValueError("max_batch_size, max_batch_tokens, beams and workers must be positive")
    order = sorted(range(len(lengths)), key=lambda i: (-lengths[i], i))
    if not order:
        return []
    sizes = [max(1, lengths[i]) for i in order]
    limits = (max_batch_size, max(1, max_batch_tokens // beams), step_rows / beams)
    cuts, costs = _cheapest_cuts(sizes, *limits, max_cost=math.inf)
    if workers > 1 and len(order) > 1:
        # Parallel workers finish after about max(total / workers, dearest batch): try a
        # few caps on the dearest batch and keep the plan that finishes first.
        def finish(plan_costs: list[float]) -> float:
            return max(sum(plan_costs) / workers, max(plan_costs))

        total = sum(costs)
        for share in (1.0, 1.2, 1.4, 1.7, 2.0):
            trial = _cheapest_cuts(sizes, *limits, max_cost=share * total / workers)
            if finish(trial[1]) < finish(costs):
                cuts, costs = trial
    return [order[i:j] for i, j in zip(cuts, [*cuts[1:], len(order)], strict=True)]


def _cheapest_cuts(
    sizes: Sequence[int], max_size: int, max_tokens: int, step_cost: float, *, max_cost: float
) -> tuple[list[int], list[float]]:
    """Start index and estimated cost of every batch of the cheapest plan of ``sizes``
    (sorted longest first). A batch over ``max_cost`` is allowed only as a single item."""
    n = len(sizes)
    # best[j]: (cost, batches) of the cheapest plan of the first j items; start[j]: where
    # its last batch starts.
    best: list[tuple[float, int]] = [(0.0, 0)] + [(math.inf, 0)] * n
    start = [0] * (n + 1)
    for j in range(1, n + 1):
        for i in range(j - 1, max(0, j - max_size) - 1, -1):
            count, longest = j - i, sizes[i]  # sorted: the first item of a run is its longest
            batch_cost = longest * (step_cost + count)
            if count > 1 and (count * longest > max_tokens or batch_cost > max_cost):
                break  # runs reaching further back are only longer and dearer
            candidate = (best[i][0] + batch_cost, best[i][1] + 1)
            if candidate < best[j]:  # ties: fewer batches
                best[j], start[j] = candidate, i
    cuts: list[int] = []
    costs: list[float] = []
    j = n
    while j:
        i = start[j]
        cuts.append(i)
        costs.append(sizes[i] * (step_cost + j - i))
        j = i
    return cuts[::-1], costs[::-1]


def split_long(text: str, count_tokens: CountTokens, limit: int) -> list[str]:
    """Cut ``text`` into pieces of at most ``limit`` tokens; ``"".join(pieces) == text``.

    Cuts at clause boundaries first (``; ``, ``, ``, `` – ``, ``: ``, in that order of
    preference), packing as many clauses per piece as fit; a clause still too long is cut
    between words, and a single over-long "word" between characters. Nothing is dropped.
    """
    if limit < 1:
        raise ValueError("limit must be positive")
    if count_tokens(text) <= limit:
        return [text]
    # Pieces of neighbouring clauses may fit together again after finer cuts: fewer,
    # longer pieces translate better.
    return _pack(_split(text, count_tokens, limit, 0), count_tokens, limit)


def _split(text: str, count: CountTokens, limit: int, level: int) -> list[str]:
    if count(text) <= limit:
        return [text]
    if level < len(CLAUSE_SEPARATORS):
        parts = _cut_after(text, CLAUSE_SEPARATORS[level])
    elif level == len(CLAUSE_SEPARATORS):
        parts = _cut_words(text)
    else:
        return _cut_chars(text, count, limit)
    if len(parts) == 1:
        return _split(text, count, limit, level + 1)
    pieces: list[str] = []
    for chunk in _pack(parts, count, limit):
        pieces.extend(_split(chunk, count, limit, level + 1))
    return pieces


def _cut_after(text: str, sep: str) -> list[str]:
    """Split after each ``sep``, keeping it on the left part."""
    parts = text.split(sep)
    return [p + sep for p in parts[:-1]] + [parts[-1]] if len(parts) > 1 else [text]


def _cut_words(text: str) -> list[str]:
    """Split after each run of whitespace, keeping it on the left part."""
    parts: list[str] = []
    start = 0
    i = 0
    while i < len(text):
        if text[i].isspace():
            j = i
            while j < len(text) and text[j].isspace():
                j += 1
            if j < len(text):
                parts.append(text[start:j])
                start = j
            i = j
        else:
            i += 1
    parts.append(text[start:])
    return [p for p in parts if p] or [text]


def _pack(parts: list[str], count: CountTokens, limit: int) -> list[str]:
    """Greedily join consecutive parts while the joined text stays within ``limit`` tokens.

    Each part is counted once and the counts summed (SentencePiece cuts at whitespace, and
    every part but the first starts a word), so a long text costs linear time; a chunk whose
    real count still exceeds the limit is packed again part by part.
    """
    sizes = [count(p) for p in parts]
    chunks: list[list[int]] = []
    current: list[int] = []
    total = 0
    for i, n in enumerate(sizes):
        if current and total + n > limit:
            chunks.append(current)
            current, total = [], 0
        current.append(i)
        total += n
    if current:
        chunks.append(current)
    packed: list[str] = []
    for chunk in chunks:
        text = "".join(parts[i] for i in chunk)
        if len(chunk) == 1 or count(text) <= limit:
            packed.append(text)
        else:
            packed.extend(_pack_exact([parts[i] for i in chunk], count, limit))
    return packed


def _pack_exact(parts: list[str], count: CountTokens, limit: int) -> list[str]:
    """Like :func:`_pack`, counting every candidate join (for the rare chunk that needs it)."""
    chunks: list[str] = []
    current = ""
    for part in parts:
        if current and count(current + part) > limit:
            chunks.append(current)
            current = part
        else:
            current += part
    if current:
        chunks.append(current)
    return chunks


def _cut_chars(text: str, count: CountTokens, limit: int) -> list[str]:
    """Last resort for a run without spaces: the longest prefixes that fit, by bisection."""
    pieces: list[str] = []
    rest = text
    while rest:
        if count(rest) <= limit:
            pieces.append(rest)
            break
        lo, hi = 1, len(rest)  # lo always fits (one character, as long as limit >= 1 token-ish)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if count(rest[:mid]) <= limit:
                lo = mid
            else:
                hi = mid - 1
        pieces.append(rest[:lo])
        rest = rest[lo:]
    return pieces


def join_pieces(translations: Sequence[str]) -> str:
    """Rejoin the translations of a split sentence's pieces with single spaces."""
    return " ".join(t.strip() for t in translations if t.strip())


def plan_units(
    sentences: Sequence[str],
    encode: Callable[[list[str]], list[list[T]]],
    count_tokens: CountTokens,
    limit: int,
) -> tuple[list[int], list[list[T]], list[str], int]:
    """The units an engine translates: ``(owners, tokens, texts, number of sentences split)``.

    One unit per non-empty sentence (stripped), several for a sentence over ``limit`` tokens
    (split by ``split_long``, never truncated); ``owners[k]`` is the index of the sentence
    unit ``k`` belongs to and ``texts[k]`` its text. Every sentence is encoded once; over-long
    ones again, piece by piece.
    """
    index = [i for i, s in enumerate(sentences) if s and s.strip()]
    encoded = encode([sentences[i].strip() for i in index]) if index else []
    owners: list[int] = []
    units: list[list[T]] = []
    texts: list[str] = []
    split = 0
    for i, tokens in zip(index, encoded, strict=True):
        if len(tokens) <= limit:
            owners.append(i)
            units.append(tokens)
            texts.append(sentences[i].strip())
            continue
        parts = [p.strip() for p in split_long(sentences[i].strip(), count_tokens, limit)]
        parts = [p for p in parts if p]
        log.info(
            "sentence %d has %d tokens (limit %d): translated in %d pieces, not truncated",
            i,
            len(tokens),
            limit,
            len(parts),
        )
        split += 1
        owners.extend([i] * len(parts))
        units.extend(encode(parts))
        texts.extend(parts)
    return owners, units, texts, split


def gather(owners: Sequence[int], outputs: Sequence[str], count: int) -> list[str]:
    """One translation per sentence: the outputs of each sentence's units rejoined in order
    (``""`` for a sentence that had no unit, i.e. an empty one)."""
    pieces: list[list[str]] = [[] for _ in range(count)]
    for owner, out in zip(owners, outputs, strict=True):
        pieces[owner].append(out)
    return [join_pieces(p) for p in pieces]
