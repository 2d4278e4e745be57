"""The one error type a user's mistake raises: it names the file, the row and the field."""

from __future__ import annotations


class InputError(Exception):
    """Bad input or usage (exit 2). Rendered as one line: ``FILE row N, field F: message``."""

    def __init__(
        self, file: str, message: str, *, row: int | None = None, field: str | None = None
    ) -> None:
        self.file = file
        self.row = row
        self.field = field
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f" row {self.row}"
        if self.field:
            where += f", field {self.field}" if self.row is not None else f" field {self.field}"
        return f"{where}: {self.message}"
