"""The one exception type the workbench raises for bad input.

Every problem with a researcher's data or study definition becomes a :class:`DataError` that
names the file, the place in it (row, column or field), the offending value, and what to do.
Code deeper down (pandas, pydantic, zipfile) raises its own errors; the readers catch those at
the boundary and re-raise them as ``DataError`` so a notebook never shows a bare traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


class DataError(ValueError):
    """Bad input: a file, a field, a row or a value the workbench cannot use.

    Parameters
    ----------
    message : str
        What is wrong, in one sentence.
    file : str or Path, optional
        The file the problem is in.
    row : int, optional
        1-based row number as a researcher sees it in a spreadsheet (header = row 1).
    column : str, optional
        Column name, or for configuration files the field path (``touchpoints[2].stage``).
    value : Any, optional
        The offending value.
    hint : str, optional
        What to do about it.

    Examples
    --------
    >>> err = DataError("Likert code out of range", file="wave1.csv", row=12, column="q3",
    ...                 value=9, hint="Allowed codes are 1-5.")
    >>> print(err)
    Likert code out of range [file wave1.csv, row 12, column 'q3', value 9]. Allowed codes are 1-5.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        row: int | None = None,
        column: str | None = None,
        value: Any = None,
        hint: str | None = None,
    ) -> None:
        self.message = message
        self.file = str(file) if file is not None else None
        self.row = row
        self.column = column
        self.value = value
        self.hint = hint
        super().__init__(self._format())

    def _format(self) -> str:
        where = []
        if self.file is not None:
            where.append(f"file {self.file}")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        if self.value is not None:
            shown = repr(self.value)
            where.append(f"value {shown[:80]}")
        text = self.message
        if where:
            text += " [" + ", ".join(where) + "]"
        if self.hint:
            text += ". " + self.hint
        return text
