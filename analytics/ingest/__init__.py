"""Read, normalise and check CSV exports (SPEC sections 2 and 3) -> an import report.

The package, along its seams: `text` (bytes to CSV text: encoding, NUL, line
endings), `lines` (delimiter, header row, footer, blank lines), `headers` (which
table and column each header means), `parse` (dates and numbers, in SQL),
`rules` (one function per rule, with its problem code), `read` (a file read once
into the check's database on disk), `check` (one file through the pipeline),
`report` (the results) and `upload` (a whole upload: check, cross-file checks,
commit).
"""

from analytics.ingest.headers import normalise
from analytics.ingest.lines import (
    DELIMITER_NAMES,
    DELIMITERS,
    TRIM_CHARS,
    prepare_text,
    split_footer,
)
from analytics.ingest.options import BadMapping, ImportOptions, import_options
from analytics.ingest.parse import DEFAULT_LABEL, MACROS
from analytics.ingest.read import (
    MAX_FILE_MB_ENV,
    PLACEHOLDERS,
    max_file_bytes,
    too_large,
)
from analytics.ingest.recognise import Recognition, recognise, recognise_table
from analytics.ingest.report import (
    ERROR,
    MAX_PER_RULE,
    MAX_VALUE_CHARS,
    WARNING,
    FileReport,
    ImportReport,
    ImportResult,
    Problem,
)
from analytics.ingest.rules import CODES, EXTRA_FIELDS
from analytics.ingest.text import (
    _UTF8_LATIN,
    MixedEncodings,
    NotCsvText,
    decode,
)
from analytics.ingest.upload import (
    check_files,
    import_demo,
    import_files,
    import_paths,
    read_file,
)

__all__ = [
    "BadMapping",
    "ImportOptions",
    "import_options",
    "CODES",
    "DEFAULT_LABEL",
    "DELIMITERS",
    "DELIMITER_NAMES",
    "ERROR",
    "EXTRA_FIELDS",
    "MACROS",
    "MAX_FILE_MB_ENV",
    "MAX_PER_RULE",
    "MAX_VALUE_CHARS",
    "PLACEHOLDERS",
    "TRIM_CHARS",
    "WARNING",
    "_UTF8_LATIN",
    "FileReport",
    "ImportReport",
    "ImportResult",
    "MixedEncodings",
    "NotCsvText",
    "Problem",
    "Recognition",
    "check_files",
    "decode",
    "import_demo",
    "import_files",
    "import_paths",
    "max_file_bytes",
    "normalise",
    "prepare_text",
    "read_file",
    "recognise",
    "recognise_table",
    "split_footer",
    "too_large",
]
