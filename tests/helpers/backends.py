"""Which database backends are reachable here, and the environment that selects one."""

import os
import uuid

BACKENDS = ("sqlite", "postgresql", "mysql")
DEFAULT_PORTS = {"postgresql": 5432, "mysql": 3306}


def backend_env(backend, name_prefix="nff"):
    """Environment for sample_app and generated projects: the backend and a unique DB name.

    A unique name lets runs on the same server go on at the same time.
    """
    return {"DB_BACKEND": backend, "DB_NAME": f"{name_prefix}_{uuid.uuid4().hex[:10]}"}


def unavailable_reason(backend):
    """None if *backend* can be used, else why not."""
    if backend == "sqlite":
        return None
    host = os.environ.get("DB_HOST", "127.0.0.1")
    port = int(os.environ.get("DB_PORT", DEFAULT_PORTS[backend]))
    try:
        if backend == "postgresql":
            import psycopg

            psycopg.connect(host=host, port=port, user=os.environ.get("DB_USER", "postgres"),
                            password=os.environ.get("DB_PASSWORD", ""), dbname="postgres",
                            connect_timeout=3).close()
        else:
            import MySQLdb

            MySQLdb.connect(host=host, port=port, user=os.environ.get("DB_USER", "root"),
                            password=os.environ.get("DB_PASSWORD", ""), connect_timeout=3).close()
    except ImportError as exc:
        return f"its driver is not installed ({exc})"
    except Exception as exc:
        return f"no server at {host}:{port} ({str(exc).strip().splitlines()[0]})"
    return None


def _server_statement(backend, sql):
    if backend == "postgresql":
        import psycopg

        with psycopg.connect(host="127.0.0.1", user="postgres", dbname="postgres", autocommit=True) as db:
            db.execute(sql.replace("`", '"'))
    else:
        import MySQLdb

        connection = MySQLdb.connect(host="127.0.0.1", user="root", password="")
        try:
            connection.cursor().execute(sql)
        finally:
            connection.close()


def create_real_database(backend, name):
    """An empty real database *name* on a server backend (SQLite makes its file when connected)."""
    if backend != "sqlite":
        _server_statement(backend, f"CREATE DATABASE `{name}`")


def drop_real_database(backend, name):
    if backend != "sqlite":
        _server_statement(backend, f"DROP DATABASE IF EXISTS `{name}`")


def drop_kept_databases(backend, env, directory, suffixes=("", "_archive", "_other")):
    """Remove the test databases a REUSE_DB run in the project *directory* kept on purpose
    (tests clean up after themselves)."""
    names = [f"test_{env['DB_NAME']}{suffix}" for suffix in suffixes]
    if backend == "sqlite":  # in the project's cache folder, or beside a TEST NAME file
        for folder in (directory, directory / ".nose_fastfixtures"):
            for path in folder.glob(f"test_{env['DB_NAME']}*"):
                path.unlink()
    elif backend == "postgresql":
        import psycopg

        with psycopg.connect(host="127.0.0.1", user="postgres", dbname="postgres", autocommit=True) as connection:
            for name in names:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
    else:
        import MySQLdb

        connection = MySQLdb.connect(host="127.0.0.1", user="root", password="")
        try:
            for name in names:
                connection.cursor().execute(f"DROP DATABASE IF EXISTS `{name}`")
        finally:
            connection.close()


def leftover_test_databases(backend, env, directory):
    """The test databases of the run with *env* that exist now: server names, or SQLite
    file names under the project *directory* (kept ones, and projects.py's ``testfile_`` TEST NAMEs)."""
    prefix = f"test_{env['DB_NAME']}"
    if backend == "sqlite":
        return sorted(path.name for path in directory.rglob(f"*{env['DB_NAME']}*.sqlite3")
                      if path.name.startswith((prefix, "testfile_")))
    if backend == "postgresql":
        import psycopg

        with psycopg.connect(host="127.0.0.1", user="postgres", dbname="postgres") as connection:
            rows = connection.execute("SELECT datname FROM pg_database WHERE datname LIKE %s",
                                      [prefix + "%"]).fetchall()
        return sorted(row[0] for row in rows)
    import MySQLdb

    connection = MySQLdb.connect(host="127.0.0.1", user="root", password="")
    try:
        cursor = connection.cursor()
        cursor.execute("SHOW DATABASES LIKE %s", [prefix + "%"])
        return sorted(row[0] for row in cursor.fetchall())
    finally:
        connection.close()
