"""The real-world corpus (tests/data/realworld.toml) as a table: per format, files, read,
documented refusals by reason, crashes, files whose reader reported losses, and the share of
the words a file holds that its blocks miss (the silent-loss rate; reference words are read
independently of the reader: a DOCX's XML, a PDF's full-page text from pdfium, a Markdown
file rendered by markdown-it-py; none for web pages, whose page furniture is left out on
purpose). Reading time per format too.

    python -m benchmarks.realworld            # downloads the sdists once (tests/realworld.py)
    python -m benchmarks.realworld --all      # every file of the sdists' formats, not only
                                              # the manifest's
"""

from __future__ import annotations

import argparse
import html
import re
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from tests import realworld

ROOT = Path(__file__).resolve().parents[1]


_SUFFIXES = {".docx": "docx", ".pdf": "pdf", ".md": "markdown", ".html": "html", ".htm": "html"}


def reference(fmt: str, data: bytes) -> Counter[str] | None:
    """The words the file holds, read without the reader under test (None: no reference)."""
    if fmt == "docx":
        return realworld.reference_words(data)
    if fmt == "pdf":
        import pypdfium2 as pdfium

        try:
            pdf = pdfium.PdfDocument(data)
        except pdfium.PdfiumError:
            return None
        text = []
        for page in pdf:
            textpage = page.get_textpage()
            text.append(textpage.get_text_range())
        return realworld.words(" ".join(text))
    if fmt == "markdown":
        from markdown_it import MarkdownIt

        rendered = MarkdownIt("commonmark").enable("table").render(data.decode("utf-8", "replace"))
        return realworld.words(html.unescape(re.sub(r"<[^>]+>", " ", rendered)))
    return None


def files(all_files: bool) -> list[tuple[str, str, Path]]:
    """(format, label, path) of the manifest's files (or of every file of the sdists)."""
    packages, entries = realworld.load_manifest()
    roots = {name: realworld.sdist_root(name, p["version"]) for name, p in packages.items()}
    if not all_files:
        return [(e.format, e.id, roots[e.package] / e.path) for e in entries]
    out = []
    for name, root in roots.items():
        for path in sorted(root.rglob("*")):
            fmt = _SUFFIXES.get(path.suffix.lower())
            if fmt and path.is_file() and path.stat().st_size <= 5 * 1024 * 1024:
                out.append((fmt, f"{name}:{path.relative_to(root)}", path))
    return out


@dataclass
class Row:
    files: int = 0
    read: int = 0
    refused: Counter[str] = field(default_factory=Counter)
    crashed: list[str] = field(default_factory=list)
    reported: int = 0  # files read whose reader reported losses
    reference: int = 0  # reference words of the files read (where there is a reference)
    missing: int = 0  # of them, not in the blocks
    seconds: float = 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--all", action="store_true", help="every file, not only the manifest's")
    args = parser.parse_args()
    rows: dict[str, Row] = defaultdict(Row)
    for fmt, label, path in files(args.all):
        data = path.read_bytes()
        row = rows[fmt]
        row.files += 1
        started = time.perf_counter()
        got = realworld.outcome(data, path.name)
        row.seconds += time.perf_counter() - started
        if got.status == "crashed":
            row.crashed.append(f"{label}: {got.message}")
        elif got.status == "refused":
            reason = got.message.split(": ", 1)[-1].split(";")[0].split(" (")[0]
            row.refused[reason] += 1
        else:
            row.read += 1
            row.reported += bool(got.losses)
            ref = reference(fmt, data)
            if ref:
                total = sum(ref.values())
                row.reference += total
                row.missing += round(total * (1 - realworld.recovered(ref, got.document)))
    head = ("format", "files", "read", "refused", "crashed", "losses reported", "words missing",
            "read s")  # fmt: skip
    print("{:9} {:>5} {:>5} {:>7} {:>7} {:>15} {:>13} {:>7}  refusals by reason".format(*head))
    for fmt, row in sorted(rows.items()):
        missing = f"{row.missing / row.reference:.2%}" if row.reference else "n/a"
        reasons = "; ".join(f"{n} {r}" for r, n in row.refused.most_common())
        print(
            f"{fmt:9} {row.files:>5} {row.read:>5} {sum(row.refused.values()):>7} "
            f"{len(row.crashed):>7} {row.reported:>15} {missing:>13} {row.seconds:>7.1f}  {reasons}"
        )
    for row in rows.values():
        for crash in row.crashed:
            print("crashed:", crash)


if __name__ == "__main__":
    main()
