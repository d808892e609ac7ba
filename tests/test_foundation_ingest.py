"""Ingest: kinds by content, hostile and broken files become problems, originals untouched."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pytest

from pipeline.errors import SubmissionNotFound, UnsafeArchive
from pipeline.ingest import ingest
from pipeline.models import MediaType
from tests import docmaker


def _tree_digest(root: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if p.is_file():
            h.update(p.relative_to(root).as_posix().encode())
            h.update(p.read_bytes())
    return h.hexdigest()


def _png_header(width: int, height: int) -> bytes:
    """A PNG that declares a huge size: a decompression bomb as it arrives, no pixels needed."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


@pytest.fixture()
def messy(tmp_path) -> Path:
    root = tmp_path / "申报材料"
    root.mkdir()
    docmaker.text_pdf(root / "license.pdf", [docmaker.LICENSE])
    # a JPEG that says it is a PDF: read by content, not a finding
    docmaker.page_image(docmaker.CREDIT).save(root / "credit.pdf", format="JPEG")
    (root / "empty.pdf").write_bytes(b"")
    (root / "truncated.pdf").write_bytes((root / "license.pdf").read_bytes()[:300])
    docmaker.text_pdf(root / "locked.pdf", [["加密"]], user_password="secret")
    docmaker.text_pdf(root / "owner_only.pdf", [docmaker.LICENSE], owner_password="perm")
    with zipfile.ZipFile(root / "form.docx", "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    (root / "notes.ofd").write_bytes(b"PK\x03\x04" + b"\0" * 26 + b"OFD.xml")
    buf = io.BytesIO()
    docmaker.page_image(["第一页"], size=(600, 800)).save(buf, format="PNG")
    head = buf.getvalue()
    (root / "cut.png").write_bytes(head[: len(head) // 3])
    buf = io.BytesIO()
    docmaker.page_image(["第一页"], size=(600, 800)).save(buf, format="JPEG", quality=90)
    (root / "cut.jpg").write_bytes(buf.getvalue()[: len(buf.getvalue()) * 2 // 3])
    (root / "bomb.png").write_bytes(_png_header(40_000, 40_000))
    frames = [docmaker.page_image([t], size=(620, 877)) for t in ("第一页", "第二页", "第三页")]
    frames[0].save(root / "multi.tiff", save_all=True, append_images=frames[1:])
    return root


def test_kinds_come_from_content_and_problems_are_named(messy, settings):
    before = _tree_digest(messy)
    sub = ingest(messy, settings)
    files = {f.path: f for f in sub.files}
    assert files["license.pdf"].media_type == MediaType.pdf and files["license.pdf"].problem is None
    assert files["credit.pdf"].media_type == MediaType.jpeg and files["credit.pdf"].problem is None
    assert files["owner_only.pdf"].problem is None and files["owner_only.pdf"].page_count == 1
    assert files["multi.tiff"].page_count == 3
    assert files["empty.pdf"].problem_kind == "empty"
    assert files["truncated.pdf"].problem_kind == "corrupt"
    assert files["locked.pdf"].problem_kind == "encrypted"
    assert "PDF" in files["form.docx"].problem and files["form.docx"].problem_kind == "unsupported"
    assert "OFD" in files["notes.ofd"].problem
    assert files["cut.png"].problem_kind == "corrupt"
    assert files["cut.jpg"].problem_kind == "corrupt"  # OpenCV would fill the missing rows with grey
    assert files["bomb.png"].problem_kind == "unsafe"
    assert _tree_digest(messy) == before, "submitted files must never be modified"


def test_zip_is_unpacked_safely(tmp_path, settings):
    archive = tmp_path / "APP-2026-001.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("../../evil.txt", "escape")
        z.writestr("/abs/evil2.txt", "escape")
        z.writestr("材料/营业执照.pdf", docmaker.text_pdf(tmp_path / "l.pdf", [docmaker.LICENSE]).read_bytes())
        z.writestr("__MACOSX/._x.pdf", "junk")
    sub = ingest(archive, settings)
    assert sub.name == "APP-2026-001"
    assert [f.path for f in sub.files] == ["材料/营业执照.pdf"]
    assert not (tmp_path.parent / "evil.txt").exists()


def test_gbk_member_names_are_decoded(tmp_path, settings):
    archive = tmp_path / "gbk.zip"
    gbk = "营业执照.pdf".encode("gbk")
    placeholder = b"X" * (len(gbk) - 4) + b".pdf"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr(placeholder.decode(), docmaker.text_pdf(tmp_path / "l.pdf", [docmaker.LICENSE]).read_bytes())
    # what Chinese Windows tools write: GBK bytes, no UTF-8 flag (same length, offsets hold)
    archive.write_bytes(archive.read_bytes().replace(placeholder, gbk))
    assert [f.path for f in ingest(archive, settings).files] == ["营业执照.pdf"]


def test_submission_identity_is_content(tmp_path, settings):
    a, b = tmp_path / "a", tmp_path / "b"
    for root in (a, b):
        root.mkdir()
        docmaker.text_pdf(root / "x.pdf", [docmaker.LICENSE])
    assert ingest(a, settings).sha256 == ingest(b, settings).sha256
    docmaker.text_pdf(b / "x.pdf", [docmaker.CREDIT])
    assert ingest(a, settings).sha256 != ingest(b, settings).sha256


def test_missing_or_wrong_submission_is_an_error(tmp_path, settings):
    with pytest.raises(SubmissionNotFound):
        ingest(tmp_path / "nope", settings)
    (tmp_path / "file.txt").write_text("x")
    with pytest.raises(SubmissionNotFound):
        ingest(tmp_path / "file.txt", settings)
    assert SubmissionNotFound.exit_code == 2 and UnsafeArchive.exit_code == 2


@pytest.mark.slow
def test_a_photo_in_an_iphones_own_format_is_read(tmp_path, settings):
    """An iPhone saves photos as HEIC, and one sent from it as it is arrives so: it is read
    like a JPEG, not turned away as an unknown kind of file."""
    from pipeline.pages import read_page
    from pipeline.render import heif_readable

    assert heif_readable()  # also lets Pillow write the photo below
    root = tmp_path / "APP"
    root.mkdir()
    docmaker.page_image(docmaker.LICENSE).save(root / "IMG_0421.HEIC", format="HEIF", quality=90)
    sub = ingest(root, settings)
    (f,) = sub.files
    assert (f.media_type, f.page_count, f.problem) == (MediaType.heif, 1, None)
    page = read_page(sub, f, 1, settings.model_copy(update={"cache": False})).page
    assert page.error is None and "统一社会信用代码" in page.text.replace(" ", "")
