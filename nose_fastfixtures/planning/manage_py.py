"""The settings module a project's ``manage.py`` names, read from its source (never run)."""

import ast

SETTINGS_VARIABLE = "DJANGO_SETTINGS_MODULE"


def _is_environ(node):
    """``os.environ`` or a bare ``environ`` (``from os import environ``)."""
    if isinstance(node, ast.Attribute):
        return node.attr == "environ" and isinstance(node.value, ast.Name) and node.value.id == "os"
    return isinstance(node, ast.Name) and node.id == "environ"


def _text(node):
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _named_setting(node):
    """The module *node* sets DJANGO_SETTINGS_MODULE to, if it is such a statement's call or assignment."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "setdefault" \
            and _is_environ(node.func.value) and len(node.args) == 2 and _text(node.args[0]) == SETTINGS_VARIABLE:
        return _text(node.args[1])
    if isinstance(node, ast.Assign) and len(node.targets) == 1:
        target = node.targets[0]
        if isinstance(target, ast.Subscript) and _is_environ(target.value) \
                and _text(target.slice) == SETTINGS_VARIABLE:
            return _text(node.value)
    return None


def settings_module(source):
    """The module ``manage.py``'s *source* sets ``DJANGO_SETTINGS_MODULE`` to, or None.

    ``os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")`` (what
    ``startproject`` writes), or an assignment to ``os.environ[...]``; the first one in
    the file. A value computed at run time, or a file that does not parse, gives None.
    """
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    found = [(node.lineno, module) for node in ast.walk(tree) if (module := _named_setting(node))]
    return min(found)[1] if found else None
