"""From a folder or a zip to a Submission: what files there are, what they really are.

The applicant's files are never written to. A zip is unpacked member by member into a
private folder with limits on count, size and paths (zip-slip, zip bombs), so a hostile
archive becomes findings about its members rather than a crash or a full disk. The kind
of each file is decided by its bytes: a JPEG named ``.pdf`` is a JPEG.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

from pipeline.errors import SubmissionNotFound, UnsafeArchive
from pipeline.models import MediaType, SourceFile, Submission
from pipeline.settings import Settings

log = logging.getLogger(__name__)

_IGNORED_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini"}

# What to tell the applicant for kinds the pipeline does not read.
_UNSUPPORTED_HINTS = {
    "ole": "Word/Excel 旧版文档（.doc/.xls）无法读取，请导出为 PDF 后重新上传",
    "docx": "Word 文档（.docx）无法读取，请导出为 PDF 后重新上传",
    "xlsx": "Excel 表格（.xlsx）无法读取，请导出为 PDF 后重新上传",
    "ofd": "OFD 版式文件无法读取，请转换为 PDF 后重新上传",
    "zip": "压缩包内嵌套的压缩包不予展开，请将其中文件直接放入申报材料",
    "rar": "RAR/7z 压缩包无法读取，请解压后上传其中的 PDF 或图片",
    "heif": "HEIC/HEIF 格式照片无法读取，请导出为 JPG 后重新上传",
    "other": "无法识别的文件类型，请上传 PDF 或 JPG/PNG/TIFF 图片",
}


# ISO base media files whose major brand is a still image (HEIC from an iPhone, AVIF)
_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1", b"avif", b"avis"}


def sniff(head: bytes) -> tuple[MediaType, str | None]:
    """Media type from the first bytes; for unsupported kinds also a key for the hint."""
    if head.startswith(b"%PDF-") or b"%PDF-" in head[:1024]:
        return MediaType.pdf, None
    if head.startswith(b"\xff\xd8\xff"):
        return MediaType.jpeg, None
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return MediaType.png, None
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return MediaType.tiff, None
    if head.startswith(b"BM"):
        return MediaType.bmp, None
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return MediaType.webp, None
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        from pipeline.render import heif_readable

        return (MediaType.heif, None) if heif_readable() else (MediaType.unsupported, "heif")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return MediaType.unsupported, "ole"
    if head.startswith(b"PK\x03\x04"):
        if b"word/" in head or b"[Content_Types].xml" in head and b"word" in head:
            return MediaType.unsupported, "docx"
        if b"xl/" in head:
            return MediaType.unsupported, "xlsx"
        if b"OFD.xml" in head or b"Doc_0" in head:
            return MediaType.unsupported, "ofd"
        return MediaType.unsupported, "zip"
    if head.startswith(b"Rar!") or head.startswith(b"7z\xbc\xaf"):
        return MediaType.unsupported, "rar"
    return MediaType.unsupported, "other"


def _sniff_zip_member_kind(path: Path) -> str | None:
    """Tell docx/xlsx/ofd apart by their member names (the head is not always enough)."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
    except (zipfile.BadZipFile, OSError):
        return None
    if any(n.startswith("word/") for n in names):
        return "docx"
    if any(n.startswith("xl/") for n in names):
        return "xlsx"
    if any(n.upper().endswith("OFD.XML") for n in names):
        return "ofd"
    return "zip"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def ingest(path: Path, settings: Settings) -> Submission:
    """Describe every file of a submission; raise only when there is no submission at all."""
    path = Path(path)
    if not path.exists():
        raise SubmissionNotFound(f"找不到申报材料：{path} 不存在")
    if path.is_dir():
        root = path
        name = path.name
    elif path.is_file() and zipfile.is_zipfile(path):
        root = _unpack_zip(path, settings)
        name = path.stem
    else:
        raise SubmissionNotFound(f"{path} 既不是文件夹也不是 zip 压缩包")

    files = [
        describe_file(root, file_path, settings)
        for file_path in sorted(_walk(root), key=lambda p: p.relative_to(root).as_posix())
    ]
    digest = hashlib.sha256()
    for sf in files:
        digest.update(f"{sf.path}\0{sf.sha256}\n".encode())
    return Submission(
        name=name, source=str(path), root=str(root), sha256=digest.hexdigest(), files=files
    )


def _walk(root: Path):
    for p in root.rglob("*"):
        if p.is_symlink():
            continue  # a link can point anywhere on the server: never follow it
        if p.is_file() and p.name not in _IGNORED_NAMES and not p.name.startswith("._"):
            if "__MACOSX" in p.parts:
                continue
            yield p


def describe_file(root: Path, file_path: Path, settings: Settings) -> SourceFile:
    from pipeline import render

    rel = file_path.relative_to(root).as_posix()
    size = file_path.stat().st_size
    sha = sha256_file(file_path)
    base = dict(path=rel, sha256=sha, size=size)
    if size == 0:
        return SourceFile(**base, media_type=MediaType.unsupported,
                          problem="文件为空（0 字节），请重新上传", problem_kind="empty")
    if size > settings.max_file_bytes:
        return SourceFile(**base, media_type=MediaType.unsupported,
                          problem=f"文件过大（{size // (1024 * 1024)} MB），请压缩或拆分后重新上传",
                          problem_kind="too_large")
    with open(file_path, "rb") as fh:
        head = fh.read(4096)
    media, hint = sniff(head)
    if media == MediaType.unsupported:
        if hint in ("docx", "zip", "xlsx", "ofd"):
            hint = _sniff_zip_member_kind(file_path) or hint
        return SourceFile(**base, media_type=media, problem=_UNSUPPORTED_HINTS[hint or "other"],
                          problem_kind="unsupported")
    try:
        pages = render.page_count(file_path, media)
    except Exception as exc:  # noqa: BLE001 - any decoder failure is a finding, not a crash
        kind, message = _open_problem(exc)
        return SourceFile(**base, media_type=media, problem=message, problem_kind=kind)
    if pages == 0:
        return SourceFile(**base, media_type=media, problem="文件中没有任何页面，请重新上传",
                          problem_kind="empty")
    if pages > settings.max_pages_per_file:
        return SourceFile(**base, media_type=media, page_count=pages,
                          problem=f"文件页数过多（{pages} 页），请拆分后重新上传", problem_kind="too_large")
    if media != MediaType.pdf:
        try:  # a truncated image opens but fails here
            render.check_whole(file_path)
        except Exception as exc:  # noqa: BLE001
            kind, message = _open_problem(exc)
            return SourceFile(**base, media_type=media, problem=message, problem_kind=kind)
    return SourceFile(**base, media_type=media, page_count=pages)


def _open_problem(exc: Exception) -> tuple[str, str]:
    text = str(exc).lower()
    if "password" in text or "encrypt" in text:
        return "encrypted", "PDF 文件设有打开密码，无法读取，请上传未加密的文件"
    if "decompression bomb" in text or ("pixels" in text and "exceeds" in text):
        return "unsafe", "图片尺寸异常巨大，无法安全读取，请重新扫描后上传"
    return "corrupt", f"文件已损坏或不完整，无法打开（{type(exc).__name__}），请重新上传"


def _unpack_zip(path: Path, settings: Settings) -> Path:
    """Unpack into a private temp folder with limits; refuse only if it is not a zip."""
    dest = Path(tempfile.mkdtemp(prefix=f"precheck-{path.stem[:40]}-"))
    total = 0
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        shutil.rmtree(dest, ignore_errors=True)
        raise UnsafeArchive(f"{path} 不是有效的 zip 压缩包：{exc}") from exc
    with zf:
        members = [m for m in zf.infolist() if not m.is_dir()]
        if len(members) > settings.max_zip_members:
            log.warning("zip %s has %d members; only the first %d are read",
                        path, len(members), settings.max_zip_members)
            members = members[: settings.max_zip_members]
        for info in members:
            rel = _safe_member_name(info)
            if rel is None:
                log.warning("skipping unsafe zip member %r in %s", info.filename, path)
                continue
            total += info.file_size
            if total > settings.max_unpacked_bytes:
                log.warning("zip %s unpacks to more than %d bytes; rest skipped",
                            path, settings.max_unpacked_bytes)
                break
            target = dest / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                with zf.open(info) as src, open(target, "wb") as out:
                    _copy_limited(src, out, settings.max_file_bytes + 1)
            except (zipfile.BadZipFile, OSError, RuntimeError, EOFError, ValueError) as exc:
                # a member we cannot inflate (encrypted, corrupt): keep an empty marker so
                # it is reported as a file, not silently dropped
                log.warning("cannot unpack %r: %s", info.filename, exc)
                target.write_bytes(b"")
    return dest


def _copy_limited(src, out, limit: int) -> None:
    written = 0
    for block in iter(lambda: src.read(1 << 20), b""):
        written += len(block)
        if written > limit:
            break  # the size check in describe_file reports it as too large
        out.write(block)


def _safe_member_name(info: zipfile.ZipInfo) -> str | None:
    name = info.filename
    if info.flag_bits & 0x800 == 0:
        # Chinese Windows zip tools write names in GBK without the UTF-8 flag
        try:
            name = name.encode("cp437").decode("gbk")
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
    pure = PurePosixPath(name.replace("\\", "/"))
    if pure.is_absolute() or ".." in pure.parts or not pure.parts:
        return None
    if (info.external_attr >> 16) & 0o170000 == 0o120000:  # a symlink member
        return None
    return pure.as_posix()
