"""Text PostgreSQL can store: no NUL, and nothing that has no UTF-8 encoding.

PostgreSQL refuses the NUL character in ``text`` (and in JSON strings), and a lone UTF-16
surrogate (U+D800–U+DFFF) cannot be encoded as UTF-8 at all. Python strings may hold both: JSON
bodies decode ``"\\u0000"`` and ``"\\ud800"`` into them, and command-line arguments that are not
valid UTF-8 arrive as surrogates. Input is checked at the edges (the GraphQL arguments, the
command line) so such text is refused as ``INVALID`` instead of failing deep in a query.
"""

from __future__ import annotations

__all__ = ["is_storable"]


def is_storable(text: str) -> bool:
    """Whether PostgreSQL can store ``text``: cheap for the usual ASCII text, two scans otherwise."""
    if "\x00" in text:
        return False
    if text.isascii():
        return True
    # UTF-8 encodes every code point but a surrogate, and in a Python string every surrogate is
    # unpaired; the encoder finds one several times faster than a regular expression would.
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True
