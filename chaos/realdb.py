"""The "real" databases the campaign's settings name, and the proof that nothing of ours wrote to them.

Each real database is made as a project's would be (``manage.py migrate``), gets a
canary row, and is watched three ways for the whole campaign:

* the server's own statement log: PostgreSQL's ``log_statement = 'all'`` set on each
  real database (read back from the server's log file), MariaDB's audit plugin
  (``server_audit``) for the campaign's own database user, write statements only;
* a wrapper in every process of the campaign (``chaos/tracing.py``) logging each
  statement sent on a connection to a real database, or naming one in
  ``CREATE``/``DROP DATABASE``;
* its contents at the end: the same dump as at the start, the canary row in place
  (SQLite: the file's bytes unchanged).
"""

import glob
import os
import re
import sqlite3
import subprocess
import sys

from chaos import servers
from chaos.lab import ENGINES

READ_ONLY = re.compile(r"^\s*(SELECT|SHOW|SET|BEGIN|START TRANSACTION|COMMIT|ROLLBACK|RELEASE|SAVEPOINT|"
                       r"DEALLOCATE|DISCARD|RESET|LISTEN|EXPLAIN|USE)\b", re.I)


def is_write(statement):
    return not READ_ONLY.match(statement)


class RealDatabases:
    """The real databases of the campaign on one backend, watched from creation to the end."""

    def __init__(self, lab, backend):
        self.lab = lab
        self.backend = backend
        self.engine = ENGINES[backend]
        self.names = []        # real database names, or SQLite paths
        self.before = {}       # name -> dump (or file digest for SQLite)
        self.pg_log = None     # (path, offset) of PostgreSQL's log when readable
        self.audit_log = None  # MariaDB's audit file when the plugin could be switched on
        self.notes = []
        self.user_made = False

    # -- making them
    def make(self, db_name):
        """Create and migrate the real databases *db_name* stands for, with a canary row each."""
        names = self.lab.real_names(self.backend, db_name)
        for alias, name in zip(("default", "archive"), names):
            if self.engine != "sqlite":
                servers.create_empty(self.engine, name)
            self._migrate(db_name, alias)
            self._plant_canary(name)
            self.before[name] = self._state(name)
            self.names.append(name)
            if self.engine == "postgresql":
                with servers.server("postgresql") as connection:
                    servers.rows(connection, f'ALTER DATABASE "{name}" SET log_statement = \'all\'')

    def _migrate(self, db_name, alias):
        env = {**os.environ, **self.lab.env(self.backend, db_name)}
        env.pop("CHAOS_STATEMENT_LOG")  # the campaign's own writes, before the watch begins
        done = subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", f"--database={alias}",
                               "-v", "0"], cwd=self.lab.sample, env=env, capture_output=True, text=True)
        if done.returncode:
            raise RuntimeError(f"could not migrate the real database {db_name}/{alias}: {done.stderr[-500:]}")

    def _plant_canary(self, name):
        sql = [f"CREATE TABLE {servers.CANARY} (token varchar(40))",
               f"INSERT INTO {servers.CANARY} VALUES ('{self.lab.token}')"]
        if self.engine == "sqlite":
            connection = sqlite3.connect(name)
            with connection:
                for statement in sql:
                    connection.execute(statement)
            connection.close()
            return
        with servers.server(self.engine, name) as connection:
            for statement in sql:
                servers.rows(connection, statement)

    def _state(self, name):
        if self.engine == "sqlite":
            return servers.file_digest(name)
        return servers.digest(self._canary(name)) + servers.digest(servers.dump(self.engine, name))

    def _canary(self, name):
        with servers.server(self.engine, name) as connection:
            return servers.rows(connection, f"SELECT token FROM {servers.CANARY}")

    def reference_dump(self, index):
        """The freshly migrated contents a kept test database must equal (the real one without its canary)."""
        name = self.names[index]
        return servers.dump(self.backend, name)

    # -- the server logs
    def start_server_logs(self):
        if self.engine == "postgresql":
            paths = sorted(glob.glob("/var/log/postgresql/postgresql-*-main.log"))
            if paths and os.access(paths[-1], os.R_OK):
                self.pg_log = (paths[-1], os.path.getsize(paths[-1]))
            else:
                self.notes.append("PostgreSQL's log file is not readable here: server log not checked")
        elif self.engine == "mysql":
            self.audit_log = self._start_audit()

    def _start_audit(self):
        """Switch MariaDB's audit log on for this campaign's user; campaigns side by side share the file."""
        try:
            with servers.server("mysql") as connection:
                installed = servers.rows(connection, "SELECT 1 FROM information_schema.PLUGINS "
                                                     "WHERE PLUGIN_NAME = 'SERVER_AUDIT'")
                if not installed:
                    servers.rows(connection, "INSTALL SONAME 'server_audit'")
                on, path, users = self._audit_settings(connection)
                if not (on and path.startswith("/tmp/chaos")):
                    path, users = f"/tmp/chaos{self.lab.token}-mariadb-audit.log", []  # written by the server
                    for statement in (f"SET GLOBAL server_audit_file_path = '{path}'",
                                      "SET GLOBAL server_audit_events = 'QUERY_DDL,QUERY_DML_NO_SELECT,QUERY_DCL'",
                                      "SET GLOBAL server_audit_file_rotations = 0"):  # never rotated away
                        servers.rows(connection, statement)
                users = ",".join(sorted(set(users) | {self.user}))
                servers.rows(connection, f"SET GLOBAL server_audit_incl_users = '{users}'")
                servers.rows(connection, "SET GLOBAL server_audit_logging = ON")
        except Exception as exc:  # noqa: BLE001 - the other two watches still hold
            self.notes.append(f"MariaDB's audit plugin could not be switched on ({exc}): server log not checked")
            return None
        return path

    @staticmethod
    def _audit_settings(connection):
        found = dict(servers.rows(connection, "SHOW GLOBAL VARIABLES WHERE Variable_name IN "
                                              "('server_audit_logging', 'server_audit_file_path', "
                                              "'server_audit_incl_users')"))
        users = [user for user in found.get("server_audit_incl_users", "").split(",") if user]
        return found.get("server_audit_logging") == "ON", found.get("server_audit_file_path", ""), users

    @property
    def user(self):
        return f"chaos{self.lab.token}"

    def make_user(self):
        """MariaDB: the campaign's own user, so the audit log can be limited to it."""
        with servers.server("mysql") as connection:
            servers.rows(connection, f"CREATE USER IF NOT EXISTS '{self.user}'@'%' IDENTIFIED BY ''")
            servers.rows(connection, f"CREATE USER IF NOT EXISTS '{self.user}'@'localhost' IDENTIFIED BY ''")
            for host in ("%", "localhost"):
                servers.rows(connection, f"GRANT ALL PRIVILEGES ON *.* TO '{self.user}'@'{host}'")
        self.user_made = True

    def env(self):
        return {"DB_USER": self.user} if self.user_made else {}

    def server_statements(self):
        """Statements the server logged on (or naming) a real database since the campaign began."""
        found = []
        if self.pg_log:
            path, offset = self.pg_log
            with open(path, errors="replace") as stream:
                stream.seek(offset)
                for line in stream:
                    if "statement:" in line and any(f"@{name} " in line for name in self.names):
                        found.append(line.split("statement:", 1)[1].strip())
        if self.audit_log and os.path.exists(self.audit_log):
            with open(self.audit_log, errors="replace") as stream:
                for line in stream:
                    fields = line.rstrip("\n").split(",", 8)  # the query (last but one) may hold commas
                    if len(fields) < 9:
                        continue
                    database, query = fields[7], fields[8].rsplit(",", 1)[0]
                    if database in self.names or any(
                            re.search(rf"(?<![\w$]){re.escape(name)}(?![\w$])", query) for name in self.names):
                        found.append(query.strip("'"))
        return found

    def stop(self):
        if self.audit_log:
            try:
                with servers.server("mysql") as connection:
                    _, _, users = self._audit_settings(connection)
                    others = ",".join(user for user in users if user != self.user)
                    servers.rows(connection, f"SET GLOBAL server_audit_incl_users = '{others}'")
                    if not others:  # the last campaign switches it off
                        servers.rows(connection, "SET GLOBAL server_audit_logging = OFF")
            except Exception:  # noqa: BLE001
                pass
        if self.engine == "mysql":
            try:
                with servers.server("mysql") as connection:
                    for host in ("%", "localhost"):
                        servers.rows(connection, f"DROP USER IF EXISTS '{self.user}'@'{host}'")
            except Exception:  # noqa: BLE001
                pass

    # -- the verdict
    def changed(self):
        """Real databases whose contents (or canary, or file bytes) are not what they were."""
        changed = []
        for name, before in self.before.items():
            try:
                after = self._state(name)
            except Exception as exc:  # noqa: BLE001 - gone or unreadable: that is a change
                after = f"unreadable: {exc}"
            if after != before:
                changed.append(name)
        return changed

    def drop(self):
        if self.engine == "sqlite":
            for name in self.names:
                for path in glob.glob(name + "*"):
                    os.unlink(path)
        elif self.names:
            servers.drop(self.engine, self.names)
