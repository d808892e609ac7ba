"""One extractor per doc_type: ``extract(reader) -> dict[str, Field]``."""
