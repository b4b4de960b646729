"""Python's tokenizer on editor text, safe for lone surrogates on every Python version.

An editor buffer may hold lone surrogates (a JSON ``"\\ud800"`` from the client). Since
Python 3.12 ``tokenize`` runs the C tokenizer, which encodes its input as UTF-8 and raises
``UnicodeEncodeError`` on them (3.10 and 3.11 tokenized them as they were), and ``ast``
rejects them everywhere. Replacing each with U+FFFD keeps every position (columns count
code points), so every caller tokenizes through here.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Iterator

_SURROGATE = re.compile("[\ud800-\udfff]")


def without_surrogates(text: str) -> str:
    """``text`` with each lone surrogate replaced by U+FFFD, one code point for one."""
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


def python_tokens(text: str) -> Iterator[tokenize.TokenInfo]:
    """``tokenize.generate_tokens`` over ``text`` (raises ``TokenError``/``SyntaxError`` as it does)."""
    return tokenize.generate_tokens(io.StringIO(without_surrogates(text)).readline)
