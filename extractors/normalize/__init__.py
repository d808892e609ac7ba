"""Normalisers: turn the text of a field into the value the rules compare."""

from extractors.normalize.dates import find_dates, find_year, parse_date
from extractors.normalize.money import parse_money, unit_factor
from extractors.normalize.numbers import parse_param_count
from extractors.normalize.text import clean_value, fold, squash_cjk, to_simplified

__all__ = [
    "clean_value", "find_dates", "find_year", "fold", "parse_date", "parse_money",
    "parse_param_count", "squash_cjk", "to_simplified", "unit_factor",
]
