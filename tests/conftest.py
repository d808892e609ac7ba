"""Shared test fixtures: settings pointed at a per-session temporary data directory."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("OMP_THREAD_LIMIT", "1")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("precheck-data")


@pytest.fixture(scope="session")
def settings(data_dir):
    from pipeline.settings import Settings

    return Settings(data_dir=data_dir)


@pytest.fixture(scope="session")
def policy():
    from pipeline.policy import load_policy

    return load_policy()


@pytest.fixture(scope="session")
def engine():
    """The second reader's line recogniser, which every test of its readings needs."""
    from pipeline.second_reader import recogniser

    rec = recogniser()
    assert rec is not None, "the PP-OCR model is not installed: run make setup"
    return rec
