"""Run settings, from the environment (PRECHECK_*), built explicitly and passed in.

Nothing here is read at import time: callers build ``Settings()`` once (the CLI, a flow,
a test) and hand it down, so tests can point every path at a temporary folder.
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

from pipeline.models import DEFAULT_DPI


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PRECHECK_", extra="ignore")

    data_dir: Path = Path("var")
    database_url: str | None = None  # default: sqlite under data_dir
    dpi: int = DEFAULT_DPI
    # chi_sim alone reads Latin letters and digits (USCCs) well; adding eng made Tesseract
    # switch models mid-line and garble Chinese lines (measured: "三、经营异常名录" → "=.BARBER").
    ocr_lang: str = "chi_sim"
    # psm 6 (one uniform block) keeps every line; psm 3 (auto) dropped short lines like "暂无".
    ocr_psm: int = 6
    # seconds per Tesseract call: a clean page takes 1-2 s, a hopeless photo can take minutes;
    # a page over the limit is reported as unreadable (LOW_OCR_CONFIDENCE) instead
    ocr_timeout: float = 45.0
    # re-read the words Tesseract doubted with PP-OCR's line recogniser (pipeline.second_reader)
    second_reader: bool = True
    workers: int = max(1, min(2, os.cpu_count() or 1))  # page processes
    max_file_bytes: int = 200 * 1024 * 1024
    max_pages_per_file: int = 300
    max_zip_members: int = 2000
    max_unpacked_bytes: int = 2 * 1024 * 1024 * 1024
    cache: bool = True  # page results cached by content under data_dir/cache

    @property
    def cache_dir(self) -> Path:
        return self.data_dir / "cache"

    @property
    def reports_dir(self) -> Path:
        return self.data_dir / "reports"

    @property
    def db_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'precheck.db').resolve()}"
