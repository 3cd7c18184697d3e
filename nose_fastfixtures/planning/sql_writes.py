"""Which tables an SQL statement writes: a conservative classifier over statement text.

Pure logic. ``tables_written(sql)`` returns an empty set for statements that write
no table, the set of tables for the plain data-changing forms, and ``EVERYTHING``
for anything it cannot be sure about: when in doubt, restore more.
"""

import re

EVERYTHING = frozenset({"*"})

_LEADING_COMMENTS = re.compile(r"^\s*(?:/\*.*?\*/\s*|--[^\n]*\n\s*)*", re.S)
_NAME = r"""(?:[`"\[]?[\w$]+[`"\]]?\.)?[`"\[]?([\w$]+)[`"\]]?"""
_WRITES = [
    re.compile(r"INSERT\s+(?:OR\s+\w+\s+|IGNORE\s+)?INTO\s+" + _NAME, re.I),
    re.compile(r"REPLACE\s+INTO\s+" + _NAME, re.I),
    re.compile(r"UPDATE\s+(?:ONLY\s+)?" + _NAME, re.I),
    re.compile(r"DELETE\s+FROM\s+(?:ONLY\s+)?" + _NAME, re.I),
]
_TRUNCATE = re.compile(r"TRUNCATE\s+(?:TABLE\s+)?(?:ONLY\s+)?(.+?)(?:\s+(?:RESTART|CONTINUE|CASCADE|RESTRICT)\b.*)?$",
                       re.I | re.S)
# Statements that change no table's rows (transaction control, reads, session settings).
_NO_WRITE = re.compile(
    r"(?:SELECT|SAVEPOINT|RELEASE|ROLLBACK|BEGIN|START\s+TRANSACTION|COMMIT|SET|SHOW|EXPLAIN|"
    r"DESCRIBE|DESC|VALUES|LOCK\s+TABLES|UNLOCK\s+TABLES)\b",
    re.I,
)
_PRAGMA_READ = re.compile(r"PRAGMA\s+[\w.]+\s*(?:\([^)]*\))?\s*;?\s*$", re.I)
_SELECT_INTO = re.compile(r"\bINTO\b", re.I)


def _unquote(name):
    return name.strip().strip('`"[]').split(".")[-1].strip('`"[]')


def tables_written(sql):
    """The tables *sql* may write, an empty set, or EVERYTHING when unsure."""
    text = _LEADING_COMMENTS.sub("", sql or "", count=1).lstrip()
    if not text:
        return frozenset()
    if ";" in text.rstrip("; \n\t"):
        return EVERYTHING  # several statements (or a literal ';'): do not guess
    if _NO_WRITE.match(text):
        # SELECT ... INTO creates or fills a table on some backends.
        if text[:6].upper() == "SELECT" and _SELECT_INTO.search(text):
            return EVERYTHING
        return frozenset()
    if _PRAGMA_READ.match(text):
        return frozenset()
    for pattern in _WRITES:
        match = pattern.match(text)
        if match:
            return frozenset({match.group(1)})
    match = _TRUNCATE.match(text.rstrip("; \n"))
    if match:
        return frozenset(_unquote(name) for name in match.group(1).split(","))
    return EVERYTHING
