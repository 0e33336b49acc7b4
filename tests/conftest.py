from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.doubles import WordEngine

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "000_8703a8c69dd0bbe2.txt"


def pytest_make_parametrize_id(config: pytest.Config, val: object, argname: str) -> str | None:
    """A stable test id for a long bytes parameter (a built DOCX or ZIP): its first bytes and
    length, not the whole value, which holds the build's timestamp. Under ``pytest -n`` every
    worker collects the suite on its own and they must agree on every id."""
    if isinstance(val, bytes) and len(val) > 40:
        head = val[:8].decode("ascii", "replace")
        return "".join(c if c.isalnum() or c in "%-." else "_" for c in head) + "..."
    return None


@pytest.fixture(autouse=True)
def _isolated_user_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Never touch the real user cache, and never reach for the network."""
    cache = tmp_path_factory.mktemp("user-cache")
    monkeypatch.setenv("TRANSLATOR_CACHE_DIR", str(cache))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    monkeypatch.delenv("TRANSLATOR_MODEL", raising=False)
    monkeypatch.delenv("TRANSLATOR_GLOSSARY", raising=False)
    monkeypatch.delenv("TRANSLATOR_DEVICE", raising=False)
    # `--backend auto` (the default) converts a model for CTranslate2 on first use, which
    # costs seconds per test with a fresh cache; tests about that pass `auto` explicitly.
    monkeypatch.setenv("TRANSLATOR_BACKEND", "transformers")
    os.environ.pop("TRANSLATOR_DEBUG", None)


@pytest.fixture(autouse=True)
def _no_lost_content_check_on_noise(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The random tiny model's output is noise of any length: the lost-content check would
    keep its German (translator.engine.lengths), and the tests about structure and counts
    would test the check instead. Tests on it (and those marked ``noise_model``) turn it off;
    tests on the copy model and the doubles keep it on."""
    if "tiny_model_dir" in request.fixturenames or request.node.get_closest_marker(
        "noise_model"
    ):
        monkeypatch.setenv("TRANSLATOR_LOST_CONTENT_CHECK", "off")
        # Nor can a conversion of it be checked: noise ties, and rounding breaks ties.
        monkeypatch.setenv("TRANSLATOR_CONVERSION_CHECK", "off")


@pytest.fixture
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture
def word_engine() -> WordEngine:
    return WordEngine()


COPY_MODEL_DIR = ROOT / "tests" / "data" / "copy-marian"


@pytest.fixture(scope="session")
def copy_model_dir() -> Path:
    """The committed tiny MarianMT trained to copy its input, in the real opus-mt layout.

    Built by ``python -m scripts.build_copy_model --out tests/data/copy-marian``. Shared by the
    whole session: treat it as read-only (copy it to tmp_path to change anything).
    """
    if not (COPY_MODEL_DIR / "model.safetensors").is_file():
        pytest.fail(
            f"{COPY_MODEL_DIR} is missing; rebuild it with "
            "python -m scripts.build_copy_model --out tests/data/copy-marian"
        )
    return COPY_MODEL_DIR


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A random tiny MarianMT in the exact opus-mt-de-en layout, built once per session.

    Its output is noise: assert structure, counts and the absence of loss, never wording.
    """
    from tests.models import build_marian_model

    return build_marian_model(tmp_path_factory.mktemp("tiny-marian") / "opus-mt-tiny", seed=0)


@pytest.fixture(scope="session")
def tiny_engine(tiny_model_dir: Path):  # type: ignore[no-untyped-def]
    """The tiny model loaded through the real MarianMT engine (greedy, to keep tests fast)."""
    from translator.engine.marian import MarianEngine

    return MarianEngine(
        str(tiny_model_dir), device="cpu", beam_size=1, local_files_only=True, threads=1
    )


@pytest.fixture(autouse=True)
def _one_torch_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    """Engines built in tests use one CPU thread (both engines read $OMP_NUM_THREADS).

    Tiny models gain nothing from two threads, and on a busy machine the threads wait on
    each other: the long-input test took 30 s with two threads and 3 s with one.
    """
    monkeypatch.setenv("OMP_NUM_THREADS", "1")


@pytest.fixture(autouse=True)
def _browser_present(request: pytest.FixtureRequest) -> None:
    """Tests marked ``browser`` need Debian chromium + chromedriver. Without them they fail,
    never skip silently: the README's test command runs what CI runs."""
    if request.node.get_closest_marker("browser") is None:
        return
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not (chromium and shutil.which("chromedriver")):
        pytest.fail(
            "needs Debian chromium + chromium-driver: apt-get install -y chromium "
            "chromium-driver (bash .ci/run installs them), or deselect with -m 'not browser'",
            pytrace=False,
        )


@pytest.fixture(scope="session")
def ray_worker_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """$TRANSLATOR_CACHE_DIR of the session's Ray workers (their CTranslate2 conversions)."""
    return tmp_path_factory.mktemp("ray-worker-cache")


@pytest.fixture(scope="session")
def ray_conversions(ray_worker_cache: Path, copy_model_dir: Path, tiny_model_dir: Path) -> Path:
    """The copy and tiny models converted for CTranslate2 once a session, in the Ray workers'
    cache (``ray_worker_cache``/ct2): the Ray tests run the product's CTranslate2 backend, so
    a worker imports no torch (an actor starts in about a second, not six) and none converts.
    Unchecked (``check=False``): the tiny model's noise would fail the check, and what these
    tests compare is Ray's outputs with the local runner's on the same conversion."""
    from translator.engine.convert import convert_model

    with pytest.MonkeyPatch.context() as env:
        env.setenv("TRANSLATOR_CACHE_DIR", str(ray_worker_cache))
        for model in (copy_model_dir, tiny_model_dir):
            convert_model(str(model), check=False)
    return ray_worker_cache / "ct2"


@pytest.fixture(scope="session")
def ray_cluster(ray_worker_cache: Path) -> Iterator[str]:
    """One local Ray for the whole session (2 CPUs, bound to 127.0.0.1, no dashboard): its
    address, for a second driver to join. Starting one costs seconds, and a process can be
    in one Ray only, so every test that runs on Ray in this process shares this one (under
    ``pytest -n``, each worker that runs one starts its own)."""
    # Before Ray is imported: a single-machine Ray whose servers bind to 127.0.0.1 only.
    os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
    import ray

    saved = dict(os.environ)
    # Workers inherit this environment: the repository for tests.ray_engines, no Hub, no stats.
    os.environ["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p
    )
    os.environ.update(RAY_USAGE_STATS_ENABLED="0", HF_HUB_OFFLINE="1", OMP_NUM_THREADS="1")
    os.environ["TRANSLATOR_CACHE_DIR"] = str(ray_worker_cache)
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    try:
        address = ray.get_runtime_context().gcs_address
        assert address.startswith("127.0.0.1:"), address  # nothing listens on other addresses
        yield address
    finally:
        ray.shutdown()
        os.environ.clear()
        os.environ.update(saved)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Two things, in every process that collects (each ``pytest -n`` worker does):

    - the tests that run on Ray (marked ``ray``, or using ``ray_cluster``) come first, then
      the other ``slow`` ones, then the rest (each group in its collected order). Under
      ``pytest -n auto --dist loadgroup`` (what .ci/run runs) the workers take tests in this
      order as they become free, so the long ones start at once, side by side, and the
      ~2,000 short ones fill in behind them: no worker is left with a long test at the end
      while the others idle. Each worker that runs a Ray test starts its own local Ray
      (``ray_cluster``; a process can be in one Ray only), and no worker joins another's: the
      Ray tests count their cluster's actors and wait for its CPUs to be free, which another
      worker's runs would falsify. (An ``xdist_group`` mark added here, meant to keep them on
      one worker, never took effect: pytest-xdist reads the marks before this hook runs. One
      worker holding them all would make them one chain of 5-6 minutes, the whole run's
      critical path.) Tests that need no Ray of this process (the CLI failing to join an
      address, the local cells of the oracle matrix) are not marked;
    - tests marked ``wmt_data`` need the WMT de->en test sets, which cannot be committed
      (tests/wmt.py says where they are looked for). Absent, they are deselected -- counted in
      pytest's "deselected" and named in the summary -- unless $TRANSLATOR_REQUIRE_WMT=1, where
      they run and fail."""

    def rank(item: pytest.Item) -> int:
        uses_cluster = "ray_cluster" in getattr(item, "fixturenames", ())
        if uses_cluster or item.get_closest_marker("ray") is not None:
            return 0
        return 1 if item.get_closest_marker("slow") is not None else 2

    items.sort(key=rank)  # stable: each group keeps its collected order
    if not _wmt_deselected():
        return
    keep, drop = [], []
    for item in items:
        (drop if item.get_closest_marker("wmt_data") else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def _wmt_deselected() -> bool:
    from tests import wmt

    return not wmt.present() and os.environ.get("TRANSLATOR_REQUIRE_WMT") != "1"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _wmt_deselected():
        from tests import wmt

        terminalreporter.write_line(
            f"wmt_data tests deselected: no WMT de-en data at {wmt.wmt_dir()} "
            "(tests/data/wmt_de_en.json says how to place it)",
            yellow=True,
        )
