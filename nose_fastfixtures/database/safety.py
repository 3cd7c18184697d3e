"""Never a real database: settings refused before any test database is made, and a guard on every write.

The real databases are the ones the settings name (each alias's ``NAME`` before the
run). Two things keep them safe, with and without ``REUSE_DB``:

* before anything is created: a test database whose name is the ``NAME`` of an alias
  (Django would drop and recreate it), a ``TEST['MIRROR']`` naming a mirror (Django
  points the alias at whatever that mirror's ``NAME`` is when it gets there, the real
  one if it comes later) or an unknown alias, are refused with one line;
* for the whole run: a write statement on a connection whose database is a real one
  (a router or a receiver sending a write to an alias whose test database is not made
  yet, or not at all) is refused with one line instead of reaching it.
"""

import os

from nose_fastfixtures.errors import ConfigError
from nose_fastfixtures.planning.sql_writes import tables_written


def _location(settings_dict, vendor, name=None):
    name = settings_dict.get("NAME") if name is None else name
    if vendor == "sqlite":
        return ("sqlite", os.path.abspath(str(name or "")))
    return (vendor, str(settings_dict.get("HOST") or ""), str(settings_dict.get("PORT") or ""), str(name))


def real_locations(connections):
    """``{location: alias}`` of every alias's real database, as the settings name them now."""
    found = {}
    for alias in connections:
        connection = connections[alias]
        name = connection.settings_dict.get("NAME")
        if name and not (connection.vendor == "sqlite" and connection.creation.is_in_memory_db(name)):
            found.setdefault(_location(connection.settings_dict, connection.vendor), alias)
    return found


def check_settings(connections, aliases):
    """Refuse test database settings that would reach a real database (before anything is made)."""
    real = real_locations(connections)
    for alias in connections:  # Django makes every mirror in DATABASES a mirror, used or not
        mirror = connections[alias].settings_dict.get("TEST", {}).get("MIRROR")
        if mirror:
            _check_mirror(connections, alias, mirror)
    for alias in aliases:
        connection = connections[alias]
        if connection.settings_dict.get("TEST", {}).get("MIRROR"):
            continue
        test_name = connection.creation._get_test_db_name()
        if connection.vendor == "sqlite" and connection.creation.is_in_memory_db(test_name):
            continue
        owner = real.get(_location(connection.settings_dict, connection.vendor, test_name))
        if owner is not None:
            raise ConfigError(
                f"the test database of alias {alias!r} would be {str(test_name)!r}, the NAME of alias {owner!r}: "
                f"a real database, which creating the test database would drop; give "
                f"DATABASES[{alias!r}]['TEST']['NAME'] a name of its own"
            )


def _check_mirror(connections, alias, mirror):
    if mirror not in connections:
        raise ConfigError(f"DATABASES[{alias!r}]['TEST']['MIRROR'] names {mirror!r}, which is not in DATABASES")
    further = connections[mirror].settings_dict.get("TEST", {}).get("MIRROR")
    if further:
        raise ConfigError(
            f"DATABASES[{alias!r}]['TEST']['MIRROR'] names {mirror!r}, itself a mirror of {further!r}: Django "
            f"would point {alias!r} at the real database of {mirror!r}; make {alias!r} a mirror of {further!r}"
        )


class WriteGuard:
    """Refuses write statements on any connection pointing at a real database, while installed."""

    def __init__(self, connections):
        self.connections = connections
        self.real = real_locations(connections)
        self.installed = []

    def install(self):
        for alias in self.connections:
            connection = self.connections[alias]
            connection.execute_wrappers.append(self._refuse_real_writes)
            self.installed.append(connection)

    def uninstall(self):
        for connection in self.installed:
            if self._refuse_real_writes in connection.execute_wrappers:
                connection.execute_wrappers.remove(self._refuse_real_writes)
        self.installed = []

    def _refuse_real_writes(self, execute, sql, params, many, context):
        connection = context["connection"]
        owner = self.real.get(_location(connection.settings_dict, connection.vendor))
        if owner is not None and tables_written(str(sql)):
            statement = " ".join(str(sql).split())[:80]
            raise ConfigError(
                f"refused a write to the real database {str(connection.settings_dict.get('NAME'))!r} "
                f"(alias {owner!r}) through alias {connection.alias!r}: {statement!r}; a router or a receiver "
                f"sends writes to an alias with no test database at that moment"
            )
        return execute(sql, params, many, context)
