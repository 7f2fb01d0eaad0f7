"""Create the throwaway PostgreSQL databases the benchmarks empty (if missing).

.venv/bin/python scripts/bench_databases.py postgres://postgres@127.0.0.1:5432 bench_pages bench_load
"""

import sys

import psycopg


def main() -> None:
    server, *names = sys.argv[1:]
    with psycopg.connect(f"{server.rstrip('/')}/postgres", autocommit=True) as conn:
        for name in names:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{name}"')
            print(f"{server.rstrip('/')}/{name}", "（已存在）" if exists else "（已创建）")


if __name__ == "__main__":
    main()
