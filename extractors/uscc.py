"""Unified social credit codes (GB 32100-2015): find them in noisy text, check, repair.

Tesseract misreads a handful of characters in a code (``]`` for ``J``, ``O`` for ``0``,
``S`` for ``5``). The check character catches most single errors, so a misread code can
be repaired from the usual confusions - but only when exactly one candidate passes the
check; otherwise the code is reported as read and the rules decide (USCC_INVALID).
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass

from stdnum.cn import uscc as _std

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
# what OCR puts where a character was: read -> the characters it may stand for (S, which
# no code holds, for 5 or for 8: 91310117MA66NSNP19 was ...N8NP19 on a grey scan)
CONFUSIONS: dict[str, str] = {
    "0": "DQ", "O": "0DQ", "D": "0", "Q": "0", "U": "0", "C": "0",
    "1": "LJT", "I": "1LJ", "L": "1", "J": "1", "]": "J1", "[": "1", "|": "1L", "!": "1",
    "T": "17", "7": "T",
    "2": "Z", "Z": "2", "5": "S", "S": "58", "8": "B", "B": "8", "6": "G", "G": "6",
    "V": "UY", "Y": "V", "4": "A", "A": "4",
}
_TOKEN = re.compile(r"[0-9A-Za-z\]\[|!]{18}")
_MAX_FORCED = 6
# characters that stand for one wide glyph read twice (W as VW) besides CONFUSIONS
_LOOKALIKE_PAIRS = {("V", "W"), ("W", "V"), ("V", "V"), ("W", "W")}
_JUNK = "&$%#@"  # what a speck inside a glyph becomes


@dataclass(frozen=True)
class UsccRead:
    value: str  # the code as reported (repaired when that was unambiguous)
    raw: str  # as read
    valid: bool
    note: str | None = None
    start: int = 0  # offsets of the raw token in the compacted text
    end: int = 0
    guessed: bool = False  # valid, but one of several repairs that pass (see find_uscc)


def is_valid(code: str) -> bool:
    return _std.is_valid(code)


def _allowed(pos: int, ch: str) -> bool:
    if pos < 8:
        return ch.isdigit()
    return ch in ALPHABET


def _options(pos: int, ch: str) -> list[str]:
    """Replacement characters at ``pos`` that the format allows."""
    return [c for c in CONFUSIONS.get(ch, "") if _allowed(pos, c)]


def repair_uscc(raw: str, *, free: bool = True) -> tuple[str | None, str | None]:
    """(code, note): a valid code, repaired if needed, or (None, why not).

    First the characters the format forbids at their position (letters in the leading
    digits, O/I/S/V/Z, brackets) are replaced; then, if the check still fails, one more
    confusable character anywhere in the likeliest of those replacements (O as 0). A
    repair is accepted only if exactly one candidate passes the check character.
    """
    code = unicodedata.normalize("NFKC", raw).replace(" ", "")
    if len(code) != 18:
        return None, f"长度为{len(code)}，不是18位"
    upper = code.upper()
    if is_valid(upper):
        note = "小写字母已改为大写" if upper != code else None
        return upper, note
    valid, why = _passing(code, free)
    if why is not None:
        return None, why
    if len(valid) == 1:
        fixed = valid.pop()
        return fixed, "校验位修复：" + _changes(code, fixed)
    if not valid:
        return None, "校验位不符，无法修复"
    return None, f"校验位不符，有{len(valid)}种可能的修复，未采用"


def _changes(read: str, fixed: str) -> str:
    """The characters a repair changed, as a reviewer reads them (第17位“O”→“0”)."""
    return "，".join(f"第{i + 1}位“{a}”→“{b}”" for i, (a, b) in enumerate(zip(read, fixed)) if a != b)


def passing_repairs(raw: str, *, free: bool = True) -> set[str]:
    """Every repair of an 18-character code that passes the check (``repair_uscc`` takes
    one only when it is the only one)."""
    code = unicodedata.normalize("NFKC", raw).replace(" ", "")
    return _passing(code, free)[0] if len(code) == 18 else set()


def _passing(code: str, free: bool) -> tuple[set[str], str | None]:
    """The repairs of ``code`` (18 characters) that pass the check, or why none is tried."""
    forced: list[list[str]] = []
    for pos, ch in enumerate(code):
        up = ch.upper()
        if ch == up and _allowed(pos, ch):
            forced.append([ch])
            continue
        # a lowercase letter in a code is itself a misreading (l for 1, o for 0)
        opts = ([up] if _allowed(pos, up) else []) + _options(pos, up)
        opts = list(dict.fromkeys(opts))
        if not opts:
            return set(), f"第{pos + 1}位“{ch}”无法识别"
        forced.append(opts)
    n_forced = sum(1 for pos, o in enumerate(forced) if o != [code[pos]])
    if n_forced > _MAX_FORCED:
        return set(), "识别错误过多，无法修复"
    bases = ["".join(p) for p in itertools.product(*forced)]
    valid = {b for b in bases if is_valid(b)}
    if not valid and free:
        # one more confusion, on the likeliest reading of the forced characters only: O for
        # D and, besides, A for 4 are two guesses, and among the dozens of codes two guesses
        # reach one passes its check by chance (seed 101 case_017's planted invalid
        # 91310117MAFBW6LA0X, read ...LAOX, was "repaired" into ...M4FBW6LADX)
        for base in [b for b in bases if b == likeliest(code)]:
            for pos, ch in enumerate(base):
                for alt in _options(pos, ch):
                    cand = base[:pos] + alt + base[pos + 1:]
                    if is_valid(cand):
                        valid.add(cand)
    return valid, None


def likeliest(raw: str) -> str:
    """An invalid code as it most probably reads: each character the format forbids where
    it stands (O, I, a letter among the leading digits) as its likeliest stand-in (O as 0),
    the rest as read. The code still fails its check; this is only the best spelling of
    it for the rules and the reviewer (91310117MAAOYNNOX3 is 91310117MAA0YNN0X3 misprinted,
    not a code with letters the standard does not use)."""
    code = unicodedata.normalize("NFKC", raw).replace(" ", "").upper()
    out = []
    for pos, ch in enumerate(code):
        opts = [] if _allowed(pos, ch) else _options(pos, ch)
        out.append(opts[0] if opts else ch)
    return "".join(out)


def speculative_repair(raw: str, fixed: str) -> bool:
    """Whether repairing ``raw`` into ``fixed`` changed a character the format allows at its
    position (beyond the forced replacements of O, I, brackets, letters among the leading
    digits): such a repair is a guess among many candidates, not a correction."""
    code = unicodedata.normalize("NFKC", raw).replace(" ", "")
    if len(code) != len(fixed):
        return False  # a doubled glyph undone (collapse_doubles): forced replacements only
    return any(a != b and a == a.upper() and _allowed(pos, a)
               for pos, (a, b) in enumerate(zip(code, fixed)))


_IN_USE = re.compile(r"^(?:\[\d{4}-\])?[^\[\]]+$")  # a name with no end year: still in use


def division_in_use(code: str) -> bool:
    """The code's administrative division (characters 3-8) is one in use since codes were
    given (2015): a province or city (…00), or a county whose name in python-stdnum's
    division list (``cn/loc``) has no end year. Decides only between codes that all pass
    their check."""
    from stdnum import numdb

    div = code[2:8]
    if not div.isdigit():
        return False
    found = numdb.get("cn/loc").info(div)  # [(province digits, {...}), (county digits, {...})]
    if len(found) < 2 or not found[0][1]:
        return False  # no such province
    if div.endswith("00"):
        return True
    county = found[1][1].get("county", "")
    return any(_IN_USE.match(part.strip()) for part in county.split(","))


def _alike(a: str, b: str) -> bool:
    a, b = a.upper(), b.upper()
    return a == b or b in CONFUSIONS.get(a, "") or a in CONFUSIONS.get(b, "") or (a, b) in _LOOKALIKE_PAIRS


def collapse_doubles(tok: str) -> list[str]:
    """18-character readings of ``tok`` with one glyph read as two or three characters
    undone: a doubled character (``0O`` for 0, ``jJ`` for J, ``VW`` for W) or a character
    split by a speck (``5S5`` for 5, ``8&8`` for 8).

    Tesseract does this on noisy scans far more often than it invents a character out of
    nothing, so these few readings are tried before any other deletion.
    """
    out: list[str] = []
    if len(tok) == 19:
        out += w_as_two_vs(tok)
        for k in range(18):
            if _alike(tok[k], tok[k + 1]):
                # keep whichever of the two the format allows at this position
                for drop in (k + 1, k):
                    out.append(tok[:drop] + tok[drop + 1:])
    if len(tok) == 20:
        for k in range(18):
            a, mid, c = tok[k], tok[k + 1], tok[k + 2]
            if a.upper() == c.upper() and (mid in _JUNK or _alike(a, mid)):
                out.append(tok[:k + 1] + tok[k + 3:])
    return list(dict.fromkeys(out))


def w_as_two_vs(tok: str) -> list[str]:
    """``tok`` with one ``VV`` read as the ``W`` it was (W is two V's side by side; a code
    holds no V at all): ``91310117MAA4AM5VV75`` for ``…AM5W75``."""
    up = tok.upper()
    return [tok[:k] + "W" + tok[k + 2:] for k in range(len(tok) - 1) if up[k:k + 2] == "VV"]


def _undouble(tok: str) -> tuple[str | None, str | None]:
    """The one valid code among ``collapse_doubles`` readings (each repaired only where
    the format forces it), or None when there is none or more than one."""
    valid: dict[str, tuple[int, str | None]] = {}
    for cand in collapse_doubles(tok):
        value, note = repair_uscc(cand, free=False)
        if value:
            changes = sum(a != b for a, b in zip(cand, value))
            if value not in valid or changes < valid[value][0]:
                valid[value] = (changes, note)
    if not valid:
        return None, None
    # the reading that needs the fewest forced replacements, if it is the only one
    fewest = min(c for c, _ in valid.values())
    best = [(v, n) for v, (c, n) in valid.items() if c == fewest]
    if len(best) != 1:
        return None, None
    value, note = best[0]
    what = "“W”被识别为“VV”，已合并" if value in {c.upper() for c in w_as_two_vs(tok)} \
        else "同一字符被识别为多个，已删除多余字符"
    return value, what + (f"；{note}" if note else "")


def find_uscc(text: str, *, allow_extra: bool = False, typed: bool = False) -> list[UsccRead]:
    """Every 18-character code-like token in ``text``, checked and repaired.

    Spaces that OCR puts inside the code are removed first; offsets refer to the text
    with whitespace removed. ``allow_extra`` (for text right of a USCC label only) also
    tries 19-character tokens with one character dropped: about one random 19-character
    string in two has a deletion that passes the check, so never on unlabelled text.
    ``typed`` text (a PDF's text layer) is the document's own characters: nothing in it
    was misread, so a code failing its check is reported as it stands, never repaired
    (a code printed with a wrong check character is the USCC_INVALID the rules exist for;
    one confusion away, 6 for G, it would otherwise pass as valid).
    """
    folded = unicodedata.normalize("NFKC", text or "")
    compact = re.sub(r"\s+", "", folded)
    # a word of its own that passes the check as read: OCR words are separated where the
    # print had a gap, so a speck or a frame line read as letters next to the code
    # (``ss 91310117MA17WGX46Q``) is not part of it even though the compacted token is
    whole = {w.upper() for w in re.findall(r"(?<![0-9A-Za-z])[0-9A-Za-z]{18}(?![0-9A-Za-z])", folded)
             if is_valid(w.upper())} if not typed else set()
    out: list[UsccRead] = []
    for m in re.finditer(r"(?<![0-9A-Za-z])[0-9A-Za-z\]\[|!][0-9A-Za-z\]\[|!&$%#@]{16,19}(?![0-9A-Za-z])", compact):
        tok = m.group(0)
        if sum(c.isdigit() for c in tok) < 8 or (len(tok) < 20 and any(c in _JUNK for c in tok)):
            continue
        # one character too many (a speck read as a letter): every single deletion
        candidates = [tok] if len(tok) == 18 else (
            list(dict.fromkeys(tok[:k] + tok[k + 1:] for k in range(19))) if len(tok) == 19 else [])
        best: UsccRead | None = None
        inside = [w for w in whole if w in tok.upper()] if len(tok) > 18 else []
        if len(inside) == 1:
            at = m.start() + tok.upper().index(inside[0])
            out.append(UsccRead(inside[0], tok[at - m.start():at - m.start() + 18], True,
                                "代码前后粘连的杂字符已去除", at, at + 18))
            continue
        if typed:
            if len(tok) == 18:
                valid = is_valid(tok.upper())
                out.append(UsccRead(tok.upper(), tok, valid, None if valid else "校验位不符", m.start(), m.end()))
            continue
        if len(tok) == 18:
            value, note = repair_uscc(tok)
            if value and speculative_repair(tok, value):
                # a character the format allows where it stands, changed so that the check
                # passes: one of the dozens of such changes passes by chance, so this is a
                # guess, not a repair. On seven bench seeds every such "repair" of a scanned
                # code was of a code printed wrong (a planted USCC_INVALID: ...MA4JP83X9U
                # made ...MAAJP83X9U), none of a misreading; the code is given as read and
                # the change suggested for a reviewer (a typed code settles it, see
                # extractors.consensus)
                best = UsccRead(likeliest(tok), tok, False,
                                f"校验位不符；若{_changes(tok, value)}则可通过校验，请人工核对", m.start(), m.end())
            elif value:
                best = UsccRead(value, tok, True, note, m.start(), m.end())
            elif is_valid(guess := likeliest(tok)) and len(passing := passing_repairs(tok)) > 1 \
                    and guess in passing:
                # several repairs pass, and one of them is the likeliest reading of every
                # character the format forbids (MOXO as M0X0, not as MDXQ: O is 0 far more
                # often than D or Q): that one, as a guess (extractors.values takes it at 0.6
                # of the word's confidence: decided on only when the word was read fairly
                # surely, with a note asking for a look; seed 83, case_002: a form's code
                # left unread hid a USCC_MISMATCH)
                best = UsccRead(guess, tok, True, f"按最常见的误识修复：{_changes(tok, guess)}（共{len(passing)}种修复可通过校验，"
                                "请人工核对）", m.start(), m.end(), guessed=True)
        elif len(tok) in (19, 20) and allow_extra:
            value, note = _undouble(tok)
            if value:
                best = UsccRead(value, tok, True, note, m.start(), m.end())
            elif len(tok) == 19:
                # only an exact check pass counts here: deletion plus confusion repairs
                # would make almost any 19 characters pass
                valid = {c.upper() for c in candidates if is_valid(c.upper())}
                if len(valid) == 1:
                    best = UsccRead(valid.pop(), tok, True, "多识别一位字符，已删除", m.start(), m.end())
        elif len(tok) == 17 and allow_extra:
            # one of a pair of like characters lost: both readers read the kerned JJ of
            # …CEJJY77 as one J (seed 137 case_003). Only an exact check pass, and only
            # one: a guess all the same (another character lost, one doubling in about
            # thirty passes by chance), taken as such and put to a reviewer
            doubled = {(tok[:k + 1] + tok[k:]).upper(): k for k in range(17)}  # code -> the last k that gives it
            valid = {c: k for c, k in doubled.items() if is_valid(c)}
            if len(valid) > 1:  # 913101117… doubles a 1 into the division 310111, gone since 1988
                valid = {c: k for c, k in valid.items() if division_in_use(c)}
            if len(valid) == 1:
                (fixed, k), = valid.items()
                best = UsccRead(fixed, tok, True, f"少识别一位：第{k + 1}、{k + 2}位应为两个“{fixed[k]}”"
                                "（相同字符被识别为一个），已补回，请人工核对", m.start(), m.end(), guessed=True)
        elif len(tok) == 19:
            # unlabelled text: no deletion is guessed, but a W read as two V's is no guess
            valid = {v for v, _ in (repair_uscc(c, free=False) for c in w_as_two_vs(tok)) if v}
            if len(valid) == 1:
                best = UsccRead(valid.pop(), tok, True, "“W”被识别为“VV”，已合并", m.start(), m.end())
        if best is None:
            _, note = repair_uscc(tok)
            best = UsccRead(likeliest(tok) if len(tok) == 18 else tok.upper(), tok, False, note,
                            m.start(), m.end())
        out.append(best)
    return out
