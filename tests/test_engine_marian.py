"""The MarianMT engine through the real transformers path, with the tiny random model.

The tiny model's output is noise: these tests check structure, counts, bounds and errors,
never the wording of a translation. The planning functions (translator.engine.text) are
pure and tested directly.
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest

from translator.engine.base import default_threads, pick_device
from translator.engine.text import (
    join_pieces,
    max_input_for,
    output_bound,
    plan_batches,
    split_long,
)
from translator.errors import ModelError

# -- device and threads (shared by both engines, pure) ------------------------------------------


@pytest.mark.parametrize(
    ("asked", "gpus", "picked"),
    [
        ("auto", 0, "cpu"),
        ("auto", 2, "cuda"),
        ("CPU", 2, "cpu"),
        ("cuda", 1, "cuda"),
        ("cuda:1", 2, "cuda:1"),
        ("cuda", 0, None),
        ("cuda:2", 2, None),
        ("cuda:x", 2, None),
        ("tpu", 2, None),
    ],
)
def test_pick_device(asked: str, gpus: int, picked: str | None) -> None:
    if picked is None:
        with pytest.raises(ModelError, match="CUDA|unknown device"):
            pick_device(asked, gpus)
    else:
        assert pick_device(asked, gpus) == picked


def test_default_threads_honour_omp_num_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    cores = len(os.sched_getaffinity(0))
    for value, expected in [("3", 3), (" 7 ", 7), ("0", cores), ("lots", cores), ("", cores)]:
        monkeypatch.setenv("OMP_NUM_THREADS", value)
        assert default_threads() == expected, value
    monkeypatch.delenv("OMP_NUM_THREADS")
    assert default_threads() == cores


# -- planning (pure) ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lengths", "max_size", "budget"),
    [
        ([5, 50, 7, 3, 50, 12, 9, 1], 32, 100),
        ([10] * 40, 32, 10_000),  # the size limit binds
        ([10] * 40, 32, 80),  # the token budget binds: 8 per batch
        ([400, 3, 2], 32, 100),  # one item over the budget gets a batch of its own
        ([0, 0, 4], 2, 4),
        ([], 8, 100),
    ],
)
def test_plan_batches_covers_every_item_once_within_limits(
    lengths: list[int], max_size: int, budget: int
) -> None:
    batches = plan_batches(lengths, max_size, budget)
    flat = [i for b in batches for i in b]
    assert sorted(flat) == list(range(len(lengths)))
    for batch in batches:
        assert 1 <= len(batch) <= max_size
        padded = len(batch) * max(max(1, lengths[i]) for i in batch)
        assert padded <= budget or len(batch) == 1
    # longest first, so neighbours in a batch have similar lengths
    assert [lengths[i] for i in flat] == sorted(lengths, reverse=True)


def test_plan_batches_token_budget_makes_smaller_batches_for_long_items() -> None:
    short = plan_batches([10] * 64, 32, 320)
    long = plan_batches([80] * 64, 32, 320)
    assert max(len(b) for b in short) == 32
    assert max(len(b) for b in long) == 4
    # The budget counts beam rows: beam 4 fits a quarter as many items.
    assert max(len(b) for b in plan_batches([10] * 64, 32, 320, beams=4)) == 8


def test_plan_batches_keeps_short_items_out_of_a_long_ones_batch() -> None:
    # Padding a 2-token item to 100 costs more than the extra batch's fixed step cost.
    lengths = [2, 100, 2, 2]
    assert plan_batches(lengths, 32, 10_000, step_rows=1.0) == [[1], [0, 2, 3]]
    # A high fixed cost per step makes one batch cheaper after all.
    assert plan_batches(lengths, 32, 10_000, step_rows=500.0) == [[1, 0, 2, 3]]


def test_plan_batches_shares_work_between_parallel_workers() -> None:
    lengths = [30] * 24
    alone = plan_batches(lengths, 32, 10_000, step_rows=7.0)
    shared = plan_batches(lengths, 32, 10_000, step_rows=7.0, workers=2)
    assert [len(b) for b in alone] == [24]  # cheapest in total: one batch
    # Two workers: the work is split so that both have some (two batches of 30 x 21 and
    # 30 x 17 steps finish sooner than one of 30 x 31, though they cost more in total).
    assert sorted(len(b) for b in shared) == [10, 14]
    for batches in (alone, shared):
        assert sorted(i for b in batches for i in b) == list(range(24))


def words(text: str) -> int:
    return len(text.split())


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("eins zwei drei", 5, ["eins zwei drei"]),
        # semicolons are preferred to commas
        ("a b c, d e; f g, h i", 5, ["a b c, d e; ", "f g, h i"]),
        # commas, packed greedily
        ("a b, c d, e f, g h", 4, ["a b, c d, ", "e f, g h"]),
        # a clause still too long is cut between words
        ("a b c d e f g, h", 3, ["a b c ", "d e f ", "g, h"]),
        # dash and colon boundaries
        ("a b c – d e f: g h i", 4, ["a b c – ", "d e f: ", "g h i"]),
    ],
)
def test_split_long_cuts_at_clauses_then_words(text: str, limit: int, expected: list[str]) -> None:
    pieces = split_long(text, words, limit)
    assert pieces == expected
    assert "".join(pieces) == text


def test_split_long_cuts_a_run_without_spaces_by_characters() -> None:
    text = "x" * 25
    pieces = split_long(text, len, 10)
    assert pieces == ["x" * 10, "x" * 10, "x" * 5]


@pytest.mark.parametrize("limit", [1, 2, 7, 40])
def test_split_long_never_loses_text(limit: int) -> None:
    text = (
        "Der Bericht nennt 1.200 Soldaten, 40 Panzer und 12 Drohnen; die Angaben – so das "
        "Ministerium – seien vorläufig: weitere Zahlen folgen,\tsobald  sie vorliegen."
    )
    pieces = split_long(text, words, limit)
    assert "".join(pieces) == text
    assert all(words(p) <= limit for p in pieces)


def test_join_pieces_uses_single_spaces_and_skips_empties() -> None:
    assert join_pieces([" one ", "", "two", "  "]) == "one two"


@pytest.mark.parametrize(("n", "bound"), [(0, 10), (1, 12), (10, 25), (200, 310), (334, 511)])
def test_output_bound(n: int, bound: int) -> None:
    assert output_bound(n) == bound
    assert output_bound(10_000) == 511


def test_max_input_keeps_the_output_bound_under_the_cap() -> None:
    n = max_input_for(511)
    assert output_bound(n, cap=10_000) <= 511 < output_bound(n + 1, cap=10_000)


# -- the engine with the tiny model ------------------------------------------------------------

MIXED = [
    "Die Soldaten haben sich zurückgezogen.",
    "",
    "Laut einer offiziellen Mitteilung der ukrainischen Streitkräfte könnte dies auf "
    "erhebliche Verluste dieser Truppen hinweisen, erklärte Oberst Kindratenko am Montag.",
    "Kiew.",
    "   ",
    "Nordkoreanische Truppen ziehen sich nach Verlusten zurück.",
    "Ja.",
]


@pytest.mark.slow
def test_one_output_per_input_in_order_and_empties_stay_empty(tiny_engine) -> None:  # type: ignore[no-untyped-def]
    batched = tiny_engine.translate_batch(MIXED)
    assert len(batched) == len(MIXED)
    assert all(isinstance(t, str) for t in batched)
    for source, target in zip(MIXED, batched, strict=True):
        assert bool(source.strip()) == bool(target.strip())
    # Each sentence alone gives the same output as in the sorted, padded batch: the batch
    # planner put every translation back in its place.
    singles = [tiny_engine.translate_batch([s])[0] for s in MIXED]
    assert batched == singles
    # ... and the check can fail: the noise differs from sentence to sentence.
    assert len({t for t in batched if t}) == len([s for s in MIXED if s.strip()])


@pytest.mark.slow
def test_small_batches_by_token_budget_keep_the_order(tiny_model_dir: Path, tiny_engine) -> None:  # type: ignore[no-untyped-def]
    from translator.engine.marian import MarianEngine

    engine = MarianEngine(str(tiny_model_dir), beam_size=1, batch_size=32, max_batch_tokens=40)
    sentences = MIXED * 2
    small = engine.translate_batch(sentences)
    assert engine.stats["units"] == 10
    assert engine.stats["batches"] > 2  # 10 sentences of 3-40 tokens cannot fit 40 tokens
    assert small == tiny_engine.translate_batch(sentences)  # one batch vs several: same places


@pytest.mark.slow
def test_output_length_is_bounded_per_sentence(tiny_engine) -> None:  # type: ignore[no-untyped-def]
    tiny_engine.translate_batch(["Ja.", MIXED[2], "Die Truppen."])
    assert len(tiny_engine.last_lengths) == 3
    for n_in, n_out in tiny_engine.last_lengths:
        assert n_out <= output_bound(n_in)
    # A random model rarely ends a sentence by itself: the bound is what stopped it.
    assert tiny_engine.stats["bound_hits"] >= 1


@pytest.mark.slow
def test_a_sentence_over_the_input_limit_is_split_not_truncated(tiny_engine) -> None:  # type: ignore[no-untyped-def]
    clause = "die Soldaten berichten über schwere Verluste an der Front bei Kursk"
    sentence = ", ".join([clause] * 60) + "."
    n_tokens = tiny_engine.count_tokens(sentence)
    assert n_tokens > 700

    plan = split_long(sentence, tiny_engine.count_tokens, tiny_engine.max_input_tokens)
    assert len(plan) >= 3
    assert "".join(plan) == sentence
    assert all(tiny_engine.count_tokens(p) <= tiny_engine.max_input_tokens for p in plan)
    assert all(p.endswith(", ") for p in plan[:-1])  # cut at clause boundaries

    split_before = tiny_engine.stats["split"]
    out = tiny_engine.translate_batch(["Kurz.", sentence])
    assert len(out) == 2 and all(isinstance(t, str) and t for t in out)
    assert tiny_engine.stats["split"] == split_before + 1
    # every piece went to the model: the short sentence plus one unit per piece
    assert len(tiny_engine.last_lengths) == 1 + len(plan)
    assert max(n for n, _ in tiny_engine.last_lengths) <= tiny_engine.max_input_tokens


@pytest.mark.slow
def test_retranslate_returns_one_output_per_input(tiny_engine) -> None:  # type: ignore[no-untyped-def]
    out = tiny_engine.retranslate(["Die Truppen.", "", "Kiew meldet Verluste."])
    assert len(out) == 3
    assert out[1] == ""
    assert out[0] and out[2]
    assert len(tiny_engine.last_lengths) == 2  # the empty input is not decoded
    for n_in, n_out in tiny_engine.last_lengths:
        assert n_out <= output_bound(n_in)


@pytest.mark.slow
def test_signature_names_backend_model_revision_and_options(
    tiny_engine,
    tiny_model_dir: Path,  # type: ignore[no-untyped-def]
) -> None:
    import transformers

    sig = tiny_engine.signature
    assert sig["backend"] == "transformers"
    assert sig["model"] == str(tiny_model_dir.resolve())
    assert sig["revision"].startswith("local-") and len(sig["revision"]) == len("local-") + 12
    assert sig["device"] == "cpu"
    assert sig["dtype"] == "float32"
    assert sig["beam_size"] == 1
    assert sig["max_input_tokens"] == tiny_engine.max_input_tokens == 334
    assert sig["transformers"] == transformers.__version__


@pytest.mark.slow
def test_runs_on_cpu(tiny_engine) -> None:  # type: ignore[no-untyped-def]
    assert tiny_engine.device == "cpu"
    assert all(p.device.type == "cpu" for p in tiny_engine._model.parameters())


@pytest.mark.slow
def test_threads_follow_omp_num_threads(
    tiny_model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import torch

    from translator.engine.marian import MarianEngine

    monkeypatch.setenv("OMP_NUM_THREADS", "2")
    try:
        engine = MarianEngine(str(tiny_model_dir), device="cpu", beam_size=1)
        assert engine.threads == 2 and torch.get_num_threads() == 2
        engine = MarianEngine(str(tiny_model_dir), device="cpu", beam_size=1, threads=1)
        assert engine.threads == 1 and torch.get_num_threads() == 1  # asked for wins
    finally:
        torch.set_num_threads(1)  # process-wide: leave it as the other tests expect


@pytest.mark.slow
def test_cuda_when_unavailable_is_a_model_error(
    tiny_model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import torch

    from translator.engine.marian import MarianEngine

    # Faked absent, so that this also runs on a GPU machine (present: tests/test_devices.py).
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 0)
    with pytest.raises(ModelError, match="no such CUDA device"):
        MarianEngine(str(tiny_model_dir), device="cuda")


@pytest.mark.slow
def test_force_length_ratio_generates_exactly_that_many_tokens(tiny_model_dir: Path) -> None:
    from translator.engine.marian import MarianEngine

    engine = MarianEngine(str(tiny_model_dir), beam_size=1, force_length_ratio=1.5)
    engine.translate_batch(["Die Soldaten haben sich zurückgezogen."])
    ((n_in, n_out),) = engine.last_lengths
    assert n_out == -(-3 * n_in // 2)  # ceil(1.5 * n)
    assert engine.signature["force_length_ratio"] == 1.5


def test_missing_local_folder_is_one_line_model_error(tmp_path: Path) -> None:
    from translator.engine.marian import MarianEngine

    missing = tmp_path / "no-such-model"
    with pytest.raises(ModelError) as err:
        MarianEngine(str(missing))
    message = str(err.value)
    assert "\n" not in message
    assert str(missing) in message
    assert "--model PATH" in message


def test_folder_missing_files_lists_them(tmp_path: Path, tiny_model_dir: Path) -> None:
    from translator.engine.marian import MarianEngine

    broken = tmp_path / "broken"
    shutil.copytree(tiny_model_dir, broken)
    (broken / "target.spm").unlink()
    (broken / "model.safetensors").unlink()
    with pytest.raises(ModelError) as err:
        MarianEngine(str(broken))
    assert "target.spm" in str(err.value)
    assert "model.safetensors" in str(err.value)


def test_hub_id_offline_and_not_cached_is_one_line_model_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from translator.engine.marian import MarianEngine

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.delenv("HF_HUB_CACHE", raising=False)
    with pytest.raises(ModelError) as err:
        MarianEngine("Helsinki-NLP/opus-mt-de-en")
    message = str(err.value)
    assert "\n" not in message
    for needle in (
        "Helsinki-NLP/opus-mt-de-en",
        "--model PATH",
        "TRANSLATOR_MODEL",
        "translator model download",
        "HF_HOME",
        "HF_HUB_OFFLINE",
    ):
        assert needle in message


def _fake_hub_cache(hf_home: Path, repo: str, model_dir: Path, commit: str) -> Path:
    """Lay ``model_dir`` out as huggingface_hub caches a download of ``repo`` at ``commit``."""
    repo_dir = hf_home / "hub" / f"models--{repo.replace('/', '--')}"
    snapshot = repo_dir / "snapshots" / commit
    shutil.copytree(model_dir, snapshot)
    (repo_dir / "refs").mkdir(parents=True)
    (repo_dir / "refs" / "main").write_text(commit)
    return snapshot


@pytest.mark.slow
def test_a_cached_hub_model_loads_offline_with_its_commit_as_revision(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tiny_model_dir: Path
) -> None:
    from translator.engine.hub import model_info
    from translator.engine.marian import MarianEngine

    commit = "0123456789abcdef0123456789abcdef01234567"
    snapshot = _fake_hub_cache(tmp_path / "hf", "test-org/opus-mt-tiny", tiny_model_dir, commit)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.delenv("HF_HUB_CACHE", raising=False)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")

    engine = MarianEngine("test-org/opus-mt-tiny", beam_size=1)
    assert engine.signature["revision"] == commit
    assert engine.location.kind == "cache"
    assert engine.translate_batch(["Die Truppen."])[0]

    info = model_info("test-org/opus-mt-tiny")
    assert info["kind"] == "cache"
    assert Path(info["location"]) == snapshot
    assert info["revision"] == commit
    assert info["available_offline"] is True


def test_model_info_of_a_folder_reads_config_without_loading(tiny_model_dir: Path) -> None:
    from tests.models import OPUS_MT_FILES
    from translator.engine.hub import model_info

    info = model_info(str(tiny_model_dir))
    assert info["kind"] == "folder"
    assert info["available_offline"] is True
    assert sorted(info["files"]) == sorted(OPUS_MT_FILES)
    assert info["config"]["max_position_embeddings"] == 512
    assert info["config"]["d_model"] == 32
    assert info["missing"] == []


def test_model_info_of_an_uncached_hub_id(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from translator.engine.hub import model_info

    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.delenv("HF_HUB_CACHE", raising=False)
    info = model_info("Helsinki-NLP/opus-mt-de-en")
    assert info["kind"] == "missing"
    assert info["available_offline"] is False
    assert info["location"] == str(tmp_path / "hf" / "hub")


@pytest.mark.slow
def test_load_engine_picks_the_marian_engine_for_a_folder(tiny_model_dir: Path) -> None:
    from translator.engine import load_engine
    from translator.engine.marian import MarianEngine

    engine = load_engine(str(tiny_model_dir), backend="transformers", beam_size=1)
    assert isinstance(engine, MarianEngine)
    assert len(engine.translate_batch(["Ja.", "Nein."])) == 2


def test_split_long_counts_in_linear_time() -> None:
    counted = 0  # characters handed to the tokenizer

    def counting(text: str) -> int:
        nonlocal counted
        counted += len(text)
        return words(text)

    text = " ".join(["wort"] * 20_000)  # no clause boundary at all
    pieces = split_long(text, counting, 300)
    assert "".join(pieces) == text
    assert all(words(p) <= 300 for p in pieces)
    # A few passes over the text, not a re-count of the growing piece per word (~150x).
    assert counted < 12 * len(text)


def test_split_long_repacks_when_summed_counts_underestimate() -> None:
    # A counter for which joining costs extra: a piece of k words counts 2k - 1 tokens.
    def joined(text: str) -> int:
        n = words(text)
        return max(0, 2 * n - 1)

    text = "a b c d e f g h"
    pieces = split_long(text, joined, 5)
    assert "".join(pieces) == text
    assert all(joined(p) <= 5 for p in pieces)


def test_split_long_repacks_between_words_never_inside_one() -> None:
    # Sub-word pieces (about 3 characters each) plus one token per join: the summed counts of
    # "alpha beta gamma " say 6, the text itself counts 8. Packed again word by word it is
    # cut between words; a cut by characters would split "gamma" ("alpha beta gam" fits).
    def pieces_and_joins(text: str) -> int:
        found = text.split()
        return sum(math.ceil(len(w) / 3) for w in found) + max(0, len(found) - 1)

    text = "alpha beta gamma delta epsilon zeta eta theta"
    pieces = split_long(text, pieces_and_joins, 7)
    assert "".join(pieces) == text
    assert all(pieces_and_joins(p) <= 7 for p in pieces)
    assert [w for p in pieces for w in p.split()] == text.split()  # no word cut in two
    assert len(pieces) > 2


@pytest.mark.slow
def test_a_float16_checkpoint_runs_in_float32(tmp_path: Path, tiny_model_dir: Path) -> None:
    import json

    from translator.engine.marian import MarianEngine

    half = tmp_path / "half"
    shutil.copytree(tiny_model_dir, half)
    config = json.loads((half / "config.json").read_text())
    config["dtype"] = "float16"  # as some opus-mt uploads declare
    (half / "config.json").write_text(json.dumps(config))
    engine = MarianEngine(str(half), beam_size=1)
    assert engine.signature["dtype"] == "float32"
    assert engine.translate_batch(["Die Truppen."])[0]


@pytest.mark.slow
def test_a_relative_folder_signs_with_its_absolute_path(
    tiny_model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from translator.engine.marian import MarianEngine

    monkeypatch.chdir(tiny_model_dir.parent)
    engine = MarianEngine(tiny_model_dir.name, beam_size=1)
    assert engine.location.kind == "folder"
    assert engine.signature["model"] == str(tiny_model_dir.resolve())


# -- plan_units / gather: the unit planning both engines share ---------------------------------


def _words(texts: list[str]) -> list[list[str]]:
    return [t.split() for t in texts]


def _count(text: str) -> int:
    return len(text.split())


@pytest.mark.parametrize(
    ("sentences", "limit", "owners", "split"),
    [
        (["eins zwei", "", "drei"], 5, [0, 2], 0),
        (["  ", "a b c"], 5, [1], 0),
        (["a b c, d e f, g h i", "kurz"], 4, [0, 0, 0, 1], 1),
        ([], 5, [], 0),
    ],
)
def test_plan_units_splits_only_over_long_sentences(
    sentences: list[str], limit: int, owners: list[int], split: int
) -> None:
    from translator.engine.text import plan_units

    got_owners, units, texts, got_split = plan_units(sentences, _words, _count, limit)
    assert got_owners == owners
    assert got_split == split
    assert all(len(u) <= limit for u in units)
    assert [t.split() for t in texts] == units  # each unit's text, for the length check
    # Every word of every non-empty sentence is in exactly one unit, in order.
    assert [w for u in units for w in u] == [w for s in sentences for w in s.split()]


def test_gather_rejoins_pieces_and_keeps_empty_sentences() -> None:
    from translator.engine.text import gather

    assert gather([0, 0, 2], ["a ", " b", "c"], 4) == ["a b", "", "c", ""]


CONCURRENT_LOADS = """
import sys, threading
from pathlib import Path
from translator.engine.convert import convert_model
from translator.engine.marian import MarianEngine

model, out = sys.argv[1], Path(sys.argv[2])
errors = []

def run(job):
    try:
        job()
    except Exception as exc:
        errors.append(repr(exc)[:200])

jobs = [lambda: MarianEngine(model, device="cpu", beam_size=1) for _ in range(2)]
jobs.append(lambda: convert_model(model, output_dir=out, quantization="int8"))
threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
run(lambda: MarianEngine(model, device="cpu", beam_size=1).translate_batch(["Ein Satz."]))
print(errors)
"""


@pytest.mark.slow
def test_models_loaded_in_several_threads_at_once_all_load(
    tiny_model_dir: Path, tmp_path: Path
) -> None:
    """transformers 5 patches process-wide torch state while it loads: two loads at once left
    every later load in the process with meta tensors. Ours take turns (in a process of its
    own here, so a failure cannot spread to the other tests)."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", CONCURRENT_LOADS, str(tiny_model_dir), str(tmp_path / "ct2")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stdout
