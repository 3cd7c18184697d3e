"""The project's cache folder, ``.nose_fastfixtures/``: kept SQLite databases, measured durations.

Like pytest's ``.pytest_cache``: made on first use in the project directory, with a
``.gitignore`` inside that ignores everything, so nothing of it is ever committed.
"""

from pathlib import Path

NAME = ".nose_fastfixtures"
_GITIGNORE = "# Made by nose_fastfixtures: kept test databases and measured durations.\n*\n"


def cache_dir(project_dir):
    """``<project_dir>/.nose_fastfixtures``, created (with its ``.gitignore``) if missing."""
    folder = Path(project_dir) / NAME
    folder.mkdir(exist_ok=True)
    gitignore = folder / ".gitignore"
    if not gitignore.exists():
        gitignore.write_text(_GITIGNORE)
    return folder
