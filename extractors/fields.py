"""The entry point: a classified document and its pages → its catalog fields.

Only fields of the document's catalog entry (pipeline/data/doc_types.yaml) are returned,
so extractors cannot leak helper keys into the report; each carries page, box,
confidence, source, the raw text and a note on what was done to it.
"""

from __future__ import annotations

import importlib
import logging
from typing import Any

from pipeline.catalog import catalog
from pipeline.errors import DataFileError
from pipeline.models import DocType, Document, Field, Page

from extractors.clearest_name import clearest_name
from extractors.reader import DocReader

log = logging.getLogger(__name__)


def extract_fields(doc: Document, pages: list[Page], *, nlp: Any = None) -> dict[str, Field]:
    """Fields of ``doc`` read from ``pages`` (the document's pages, in order).

    ``nlp`` is the spaCy pipeline of extractors.nlp.build_nlp(), built once by the caller;
    without it the extractors use their regular-expression paths only.
    """
    doc_type = DocType(doc.doc_type)
    wanted = set(catalog()[doc_type].fields)
    if not wanted:
        return {}
    usable = [p for p in pages if p.error is None and p.lines]
    if not usable:
        return {}
    module = importlib.import_module(f"extractors.doctypes.{doc_type.value}")
    try:
        reader = DocReader(doc_type, usable, nlp=nlp)
        reader.seals = list(doc.seals)  # when the caller attached them: seal text can name an issuer
        fields = clearest_name(reader, module.extract(reader))
        if nlp is not None:
            from extractors.nlp import fill_from_entities

            fill_from_entities(nlp, reader, fields, wanted)
    except DataFileError:
        raise
    except Exception:  # noqa: BLE001 - one document's defect must not stop the submission
        # logged with its traceback; the rules then report the fields as not found
        log.exception("field extraction failed for %s %s pages %s", doc_type.value, doc.file, doc.pages)
        return {}
    out = {k: v for k, v in fields.items() if k in wanted and v is not None}
    extra = set(fields) - wanted
    if extra:
        log.debug("extractor for %s produced fields outside the catalog: %s", doc_type.value, sorted(extra))
    return out
