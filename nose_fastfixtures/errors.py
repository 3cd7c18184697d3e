"""The one exception family of nose_fastfixtures, and how its messages reach users."""

import sys

EXIT_USAGE = 2


class FastFixturesError(Exception):
    """A problem the user can fix; its message is shown alone, without a traceback."""

    exit_status = 1


class UsageError(FastFixturesError):
    """A bad option, option value or test label."""

    exit_status = EXIT_USAGE


class ConfigError(FastFixturesError):
    """Settings that do not import, a database that cannot be reached, failed system checks."""

    exit_status = EXIT_USAGE


def exit_with(error, stream=None):
    """Print *error*'s message on one line of stderr and leave with its exit status."""
    stream = stream or sys.stderr
    stream.write(f"nose_fastfixtures: error: {error}\n")
    stream.flush()
    raise SystemExit(error.exit_status)
