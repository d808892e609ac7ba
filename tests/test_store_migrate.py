"""Opening a fresh store from several threads at once migrates it exactly once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from pipeline.settings import Settings
from pipeline.store import open_store


def test_concurrent_first_opens_of_a_sqlite_store(tmp_path):
    settings = Settings(data_dir=tmp_path)

    def open_and_count(_):
        store = open_store(settings)
        try:
            with store.engine.connect() as conn:
                return conn.exec_driver_sql(
                    "SELECT count(*) FROM sqlite_master WHERE name = 'applications'").scalar()
        finally:
            store.dispose()

    with ThreadPoolExecutor(max_workers=6) as pool:
        assert list(pool.map(open_and_count, range(6))) == [1] * 6
