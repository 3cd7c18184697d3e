"""Compact tracebacks: harness frames left out, paths relative by components, editor lines."""

import os
import shlex
from collections import namedtuple
from pathlib import PurePath

Frame = namedtuple("Frame", "path line_number function source")
# One exception of a chain: its frames, its ``Type: message`` lines, and the
# sentence Python prints before it when it follows another exception (or None).
Section = namedtuple("Section", "frames exception_lines preamble")

DEFAULT_TEMPLATE = "{editor} +{line_number} {path}  # {function}"
DEFAULT_EDITOR = "vi"
TEMPLATE_FIELDS = {"editor", "path", "line_number", "function"}
# What Python prints between two chained exceptions.
CAUSE = "The above exception was the direct cause of the following exception:"
CONTEXT = "During handling of the above exception, another exception occurred:"


def is_under(path, directory):
    """Whether *path* is *directory* or inside it, comparing whole path components.

    ``/tmp/proj/x.py`` is not under ``/tmp/pro``: a string prefix would say it is.
    """
    if not path or not directory or path.startswith("<"):
        return False
    path_parts = PurePath(os.path.normpath(path)).parts
    dir_parts = PurePath(os.path.normpath(directory)).parts
    return path_parts[:len(dir_parts)] == dir_parts


def display_path(path, cwd, absolute=False):
    """*path* as shown: relative to *cwd* when inside it (unless *absolute*), else absolute."""
    if not path or path.startswith("<"):
        return path
    full = os.path.normpath(os.path.join(cwd, path))
    if absolute or not is_under(full, cwd):
        return full
    return os.path.relpath(full, cwd)


def is_harness(path, harness_dirs):
    """A frame of the test machinery (unittest, nose, Django's test runner...) or of importlib."""
    if path.startswith("<frozen "):
        return True
    return any(is_under(path, directory) for directory in harness_dirs)


def user_frames(frames, harness_dirs):
    """*frames* without harness frames; all of them if nothing else is left (never hide a problem)."""
    kept = [frame for frame in frames if not is_harness(frame.path, harness_dirs)]
    return kept or list(frames)


def check_template(template):
    """Raise ValueError naming the problem if *template* cannot make an editor line."""
    try:
        editor_line(template, "vi", "x.py", 1, "f")
    except (KeyError, IndexError, ValueError) as error:
        fields = ", ".join("{" + name + "}" for name in sorted(TEMPLATE_FIELDS))
        raise ValueError(f"bad editor shortcut template {template!r} ({error!r}); "
                         f"it may use {fields}") from None


def editor_line(template, editor, path, line_number, function):
    """The shell command that opens *path* at *line_number*; the path is quoted for the shell."""
    return template.format(editor=editor, path=shlex.quote(path), line_number=line_number,
                           function=function)


def choose_editor(option, env):
    """``--progressive-editor``, else ``$EDITOR``, else vi."""
    return option or env.get("EDITOR") or DEFAULT_EDITOR


def rerun_label(address, cwd, absolute=False):
    """A name ``nosetests`` accepts to run the test again, from nose's ``(file, module, call)``.

    ``app/tests/test_x.py:Class.test_method`` when the file is known, ``app.tests.test_x:Class``
    (nose's module form) when only the module is, or None.
    """
    filename, module, call = address if address else (None, None, None)
    if filename:
        head = display_path(filename, cwd, absolute)
    elif module:
        head = module
    else:
        return None
    return f"{head}:{call}" if call else head


def render_failure(kind, label, sections, cwd, editor, template, absolute=False):
    """The lines printed the moment a test fails, as ``(style, text)`` pairs.

    The header (rerunnable), then for each frame its editor line and source line, then
    the exception; a chained exception comes after the one it follows, as Python prints them.
    """
    lines = [("header", f"{kind}: {label}")]
    for section in sections:
        if section.preamble:
            lines.append(("plain", section.preamble))
        for frame in section.frames:
            path = display_path(frame.path, cwd, absolute)
            lines.append(("editor", "  " + editor_line(template, editor, path, frame.line_number,
                                                       frame.function)))
            if frame.source:
                lines.append(("source", "    " + frame.source.strip()))
        lines.extend(("exception", line) for line in section.exception_lines)
    return lines
