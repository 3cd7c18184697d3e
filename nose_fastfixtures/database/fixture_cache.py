"""Each fixture found and parsed once per run: loaddata's label lookup and file parsing, kept by path, size and mtime.

loaddata looks every label up again at each load (every fixture folder, every format
and compression: one directory listing per folder) and parses every file again. Here
a lookup is kept until one of the folders it searched changes (its mtime: a file was
added, removed or renamed there) or a file it found changes size or mtime; JSON and
YAML files (uncompressed) are parsed once per size and mtime, and each load gets its
own copy of the values an object could keep (lists, dicts). Anything else, and any
lookup at verbosity 2 or more (whose messages a test may read), goes to loaddata as
before. Errors are never kept: a label that is missing fails at every load, as it does.
"""

import copy
import io
import os

from django.core.management.commands import loaddata
from django.core.serializers import json as json_serializer
from django.core.serializers import python as python_serializer


def _stat(path):
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_size, found.st_mtime_ns


def _own_copy(objects):
    """The parsed objects with fresh lists and dicts, so nothing a load keeps is shared with the cache."""
    return [{**obj, "fields": {name: copy.deepcopy(value) if isinstance(value, (list, dict)) else value
                               for name, value in obj["fields"].items()}}
            if isinstance(obj, dict) and isinstance(obj.get("fields"), dict) else copy.deepcopy(obj)
            for obj in objects]


class FixtureCache:
    """The run's lookups and parsed files."""

    def __init__(self):
        self.found = {}   # lookup key -> (files, {searched dir: stat}, {found file: stat})
        self.parsed = {}  # (format, path, size, mtime) -> parsed objects
        self.lookups = self.parses = 0  # done for real, for the curious

    def find_fixtures(self, original, command, label):
        if command.verbosity >= 2 or label == loaddata.READ_STDIN:
            return original(command, label)
        key = (label, command.using, command.app_label, tuple(command.fixture_dirs),
               tuple(command.serialization_formats), tuple(command.compression_formats))
        entry = self.found.get(key)
        if entry is not None and self._unchanged(entry):
            return list(entry[0])
        searched = command.get_fixture_name_and_dirs(command.parse_name(label)[0])[1]
        folders = {folder: _stat(folder) for folder in searched}
        files = original(command, label)  # a CommandError is not kept
        self.lookups += 1
        self.found[key] = (list(files), folders, {path: _stat(path) for path, _, _ in files})
        return files

    @staticmethod
    def _unchanged(entry):
        _, folders, files = entry
        return (all(_stat(folder) == seen for folder, seen in folders.items())
                and all(_stat(path) == seen for path, seen in files.items()))

    def deserializer_init(self, original, form, deserializer, stream_or_string, **options):
        key = self._key(form, stream_or_string)
        objects = self.parsed.get(key) if key else None
        if objects is None:
            original(deserializer, stream_or_string, **options)
            if key is None or not isinstance(deserializer.stream, list):
                return
            self.parses += 1
            self.parsed[key] = objects = deserializer.stream
        python_serializer.Deserializer.__init__(deserializer, _own_copy(objects), **options)

    @staticmethod
    def _key(form, stream):
        """``(format, path, size, mtime)`` of an uncompressed fixture file loaddata opened, else None."""
        if not isinstance(stream, io.BufferedReader) or not isinstance(getattr(stream, "name", None), str):
            return None
        try:
            found = os.fstat(stream.fileno())
        except (OSError, ValueError):
            return None
        if stream.tell() != 0:
            return None
        return form, os.path.realpath(stream.name), found.st_size, found.st_mtime_ns


def _deserializers():
    """``{format: Deserializer class}`` of the formats parsed into Python objects first."""
    classes = {"json": json_serializer.Deserializer}
    try:
        from django.core.serializers import pyyaml
    except ImportError:  # PyYAML not installed: Django has no yaml format either
        pass
    else:
        classes["yaml"] = pyyaml.Deserializer
    return classes


def install():
    """Keep lookups and parsed files for the run; returns what puts Django's back."""
    cache = FixtureCache()
    find = loaddata.Command.find_fixtures
    inits = {form: cls.__dict__["__init__"] for form, cls in _deserializers().items()}

    def find_fixtures(command, label):
        return cache.find_fixtures(find, command, label)

    def make_init(form, original):
        def __init__(deserializer, stream_or_string, **options):
            cache.deserializer_init(original, form, deserializer, stream_or_string, **options)
        return __init__

    loaddata.Command.find_fixtures = find_fixtures
    for form, cls in _deserializers().items():
        cls.__init__ = make_init(form, inits[form])

    def restore():
        loaddata.Command.find_fixtures = find
        for form, cls in _deserializers().items():
            cls.__init__ = inits[form]

    restore.cache = cache
    return restore
