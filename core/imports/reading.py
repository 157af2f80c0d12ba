"""Reading uploaded CSV files with the standard library's csv module: encoding, header, records.

Files must be UTF-8 (with or without the byte-order mark Excel writes for "CSV UTF-8"); any other
encoding is refused with a message saying how to save the file, rather than guessed: a wrong guess
would store mangled names silently. The delimiter (comma, semicolon or tab) is detected from the
header line, since spreadsheets in many locales save CSV with semicolons.
"""

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from core.exceptions import ApplicationError

# The csv module stops at a cell of this size (its default is 128 KiB); cells above
# cells.MAX_CELL_CHARS but below this are refused per row, larger ones fail the whole file.
MAX_FIELD_CHARS = 1_000_000
csv.field_size_limit(MAX_FIELD_CHARS)

# Read to check an upload's encoding and show its preview without reading it all.
HEAD_BYTES = 256 * 1024
DELIMITERS = ",;\t"
NOT_UTF8 = "The file is not UTF-8 text: save it as “CSV UTF-8” and upload it again."


@dataclass(frozen=True)
class Head:
    """The file's column names, delimiter and first rows, for the preview."""

    headers: list[str]
    delimiter: str
    rows: list[list[str]]


def _check_start(start: bytes) -> None:
    if not start:
        raise ApplicationError("The file is empty.")
    if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ApplicationError(
            "The file is UTF-16 text: save it as “CSV UTF-8” and upload it again."
        )
    if b"\x00" in start:
        raise ApplicationError("The file holds binary data, not CSV text.")
    try:
        # Incremental: the sample may end in the middle of a multi-byte character.
        codecs.getincrementaldecoder("utf-8-sig")().decode(start, final=False)
    except UnicodeDecodeError as error:
        raise ApplicationError(
            f"{NOT_UTF8} (first wrong byte at position {error.start})."
        ) from None


def _text(binary: IO[bytes]) -> io.TextIOWrapper:
    binary.seek(0)
    _check_start(binary.read(HEAD_BYTES))
    binary.seek(0)
    return io.TextIOWrapper(binary, encoding="utf-8-sig", errors="strict", newline="")


def _delimiter(header_line: str) -> str:
    try:
        return csv.Sniffer().sniff(header_line, delimiters=DELIMITERS).delimiter
    except csv.Error:
        return ","  # one column, or nothing to tell them apart: the standard delimiter


@dataclass(frozen=True)
class Records:
    """A file's column names, its delimiter, and an iterator over its (line, cells) records."""

    headers: list[str]
    delimiter: str
    rows: Iterator[tuple[int, list[str]]]


def records(binary: IO[bytes]) -> Records:
    """Return the column names and an iterator of (line number, cells) for each record.

    The returned iterator owns the binary file: it is closed with the text wrapper around it.
    Blank lines are skipped; the line number is where the record starts in the file (the header
    is line 1), as a spreadsheet shows it. Decoding and structure errors raise ApplicationError.
    """
    text = _text(binary)
    try:
        first_line = text.readline()
        if not first_line.strip():
            raise ApplicationError("The first line is empty: it must hold the column names.")
        delimiter = _delimiter(first_line)
        text.seek(0)
        header_reader = csv.reader(text, delimiter=delimiter)
        headers = [name.strip() for name in next(header_reader)]
    except UnicodeDecodeError:
        raise ApplicationError(NOT_UTF8) from None
    except csv.Error as error:
        raise ApplicationError(f"Line 1 cannot be read as CSV: {error}.") from None
    if not any(headers):
        raise ApplicationError("The first line must hold the column names.")
    header_lines = header_reader.line_num

    def iterate() -> Iterator[tuple[int, list[str]]]:
        reader = csv.reader(text, delimiter=delimiter)
        consumed = 0  # lines the reader has taken after the header
        try:
            for cells in reader:
                start = header_lines + consumed + 1
                consumed = reader.line_num
                if "".join(cells).strip():  # a cell that is not blank (one call per row)
                    yield start, cells
        except UnicodeDecodeError:
            line = header_lines + consumed + 1
            raise ApplicationError(f"{NOT_UTF8} (near line {line}).") from None
        except csv.Error as error:
            line = header_lines + consumed + 1
            raise ApplicationError(f"Line {line} cannot be read as CSV: {error}.") from None

    return Records(headers=headers, delimiter=delimiter, rows=iterate())


def head(binary: IO[bytes], rows: int = 5) -> Head:
    """Return the column names, delimiter and first rows; refuse files that cannot be imported."""
    binary.seek(0)
    sample = binary.read(HEAD_BYTES)
    if len(sample) == HEAD_BYTES and b"\n" in sample:
        sample = sample[: sample.rindex(b"\n") + 1]  # whole lines only
    found = records(io.BytesIO(sample))
    first: list[list[str]] = []
    for _line, cells in found.rows:
        first.append(cells)
        if len(first) >= rows:
            break
    if not first:
        raise ApplicationError("The file has column names but no rows to import.")
    return Head(headers=found.headers, delimiter=found.delimiter, rows=first)


def count_records(binary: IO[bytes]) -> int:
    """Read the whole file once: count its records, proving it decodes and parses to the end."""
    return sum(1 for _record in records(binary).rows)


def suggested_mapping(columns: list[str], headers: list[str]) -> dict[str, int | None]:
    """Pair each target column with the file's column of the same name (case, spaces ignored)."""

    def normal(name: str) -> str:
        return "".join(character for character in name.lower() if character.isalnum())

    positions: dict[str, int] = {}
    for position, header in enumerate(headers):
        positions.setdefault(normal(header), position)
    return {column: positions.get(normal(column)) for column in columns}
