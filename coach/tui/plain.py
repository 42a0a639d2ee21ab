"""Text on screen that came from a file or from the history: as a Rich ``Text`` (never
markup) with everything a terminal would act on shown escaped by
:func:`coach.format.text.printable`, the one output policy."""

from __future__ import annotations

from rich.text import Text

from coach.format.text import printable

__all__ = ["plain"]


def plain(text: str, *, multiline: bool = False, style: str = "") -> Text:
    """``text`` as shown: escaped (line feeds kept only with ``multiline``), no markup."""
    return Text(printable(text, multiline=multiline), style=style)
