"""German article text: normalising, the layout rules, rebuilding blocks, sentences.

- :mod:`~translator.text.rules`: the rules every rebuild shares (what ends a sentence, what
  is heading-like, a date line, a list item, line-end hyphens, the full/tiny ratios and the
  word limits), public and defined once;
- :mod:`~translator.text.block`: :class:`Block`, what readers produce and writers consume;
- :mod:`~translator.text.normalise`: decoded text made uniform before any rule reads it;
- :mod:`~translator.text.decode`: bytes to text (encodings), reading a text file or stdin;
- :mod:`~translator.text.layout`: the plain-text rebuild (hard-wrapped PDF extractions too);
- :mod:`~translator.text.segment`: sentence splitting and rejoining.

The PDF rebuild (``translator.formats.pdf_layout``) works from the page geometry but asks the
same questions through :mod:`~translator.text.rules`. Bytes in and out of files (atomic
writes, stdin, temp-file clean-up) are :mod:`translator.files`', not text.
"""

from __future__ import annotations

from .block import Block
from .decode import decode_bytes, read_file, read_input
from .layout import blocks, rebuild
from .normalise import normalise
from .segment import join_sentences, split_sentences

__all__ = [
    "Block",
    "blocks",
    "decode_bytes",
    "join_sentences",
    "normalise",
    "read_file",
    "read_input",
    "rebuild",
    "split_sentences",
]
