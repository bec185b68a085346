"""ICAO 9303 machine-readable zones (TD1, TD2, TD3): parsing, check digits, OCR-confusion repair.

OCR misreads MRZ characters in predictable ways (O/0, I/1, B/8, `<` as K/X/S/Z). Each position has
a known type (letters, digits or either), so a character of the wrong type can be swapped for its
look-alike; a swap inside a check-digit-protected field is kept only when the check digit then holds.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

_WEIGHTS = (7, 3, 1)
# Look-alikes OCR produces: what a letter probably was when a digit belongs there, and back.
_AS_DIGIT = {"O": "0", "Q": "0", "D": "0", "U": "0", "I": "1", "L": "1", "T": "1", "Z": "2", "S": "5",
             "G": "6", "B": "8", "E": "8", "A": "4", "/": "7"}
_SECOND_DIGIT = {"S": "8"}  # an S where a digit belongs is a 5 or, in OCR-B, an 8
_AS_LETTER = {"0": "O", "1": "I", "2": "Z", "5": "S", "6": "G", "8": "B", "4": "A", "7": "T", "/": "<"}
# Only the closest pairs are tried where letters and digits may both occur (document numbers).
_ALNUM_SWAPS = {"O": "0", "0": "O", "I": "1", "1": "I", "B": "8", "8": "B", "S": "5", "5": "S", "Z": "27", "2": "Z",
                "7": "Z", "D": "0", "Q": "0"}
_MAX_SWAPS = 6  # any swap is reported as a guess, so more swaps cost certainty, never safety
FILLER_LOOKALIKES = "KXSZCE«‹"
_FILLER_LIKELY = "KXZC<"  # letters that rarely end a name in a run
_MAX_CANDIDATES = 512


def check_digit(value: str) -> str:
    """ICAO 9303 check digit: weights 7,3,1 over digit values, letters A=10..Z=35, filler 0."""
    total = 0
    for i, char in enumerate(value):
        if char.isdigit():
            v = int(char)
        elif "A" <= char <= "Z":
            v = ord(char) - 55
        else:
            v = 0
        total += v * _WEIGHTS[i % 3]
    return str(total % 10)


@dataclass
class MrzCheck:
    name: str  # e.g. "document_number", "composite"
    valid: bool
    corrected: bool = False  # a look-alike repair made it hold
    guessed: bool = False  # the repair chose between a letter and a digit, which a check digit only half-proves


@dataclass
class Mrz:
    """A parsed MRZ: its format, the (possibly repaired) lines, fields and every check digit's result."""

    format: str  # TD1, TD2 or TD3
    lines: list[str]
    document_code: str
    issuing_country: str
    document_number: str
    nationality: str
    date_of_birth: date | None
    sex: str | None
    expiry_date: date | None
    surname: str
    given_names: str
    checks: list[MrzCheck] = field(default_factory=list)
    raw_lines: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return all(c.valid for c in self.checks)

    @property
    def failed(self) -> list[str]:
        return [c.name for c in self.checks if not c.valid]

    @property
    def corrected(self) -> list[str]:
        return [c.name for c in self.checks if c.corrected]

    @property
    def guessed(self) -> list[str]:
        return [c.name for c in self.checks if c.guessed]


def normalise_line(line: str) -> str:
    """Upper-case, no spaces, filler look-alikes that never occur in an MRZ alphabet turned into `<`."""
    line = line.upper().replace(" ", "").replace("$", "S")
    line = re.sub(r"[«‹<(\[{>]", "<", line)  # ">" is "<" mirrored by right-to-left reading
    return re.sub(r"[^A-Z0-9</]", "", line)  # "/" is a misread "<" or "7": its position decides


_LENGTHS = {"TD3": (2, 44), "TD2": (2, 36), "TD1": (3, 30)}


def detect_format(lines: list[str]) -> str | None:
    """Pick the format whose line count and length fit best (OCR may add or drop a character)."""
    best, best_error = None, 5
    for name, (count, length) in _LENGTHS.items():
        if len(lines) != count:
            continue
        # The name line may be cut short (its padding unread); the data lines must be about full length.
        data = lines[1:] if name != "TD1" else lines[:2]
        error = max(abs(len(line) - length) for line in data)
        if error < best_error:
            best, best_error = name, error
    return best


def _fit(line: str, length: int) -> str:
    return line[:length].ljust(length, "<")


def _fit_data(line: str, length: int) -> str:
    """A data line at its length: OCR miscounts long filler runs, while the check digits after the last
    run sit at fixed places at the end, so the last run absorbs the difference."""
    runs = list(re.finditer(r"<{2,}", line))
    if not runs or len(line) == length:
        return _fit(line, length)
    last = runs[-1]
    run = max(1, last.end() - last.start() + length - len(line))
    return _fit(line[:last.start()] + "<" * run + line[last.end():], length)


def _digit_choices(char: str) -> list[str]:
    """Digits a character in a digit-only position may have been; the first is the likeliest."""
    return [_digit_options(char), *_SECOND_DIGIT.get(char, "")]


def _digit_options(char: str) -> str:
    if char.isdigit():
        return char
    return _AS_DIGIT.get(char, "0" if char == "<" else char)


def _alnum_options(char: str) -> list[str]:
    if char == "/":  # never an MRZ character: a 7 or a filler, whichever the check digit accepts
        return ["7", "<"]
    return [char, *_ALNUM_SWAPS.get(char, "")]


def _repair_checked(value: str, digit: str, kinds: str,
                    printed: frozenset[str] = frozenset()) -> tuple[str, str, bool, bool, bool]:
    """Repair one field and its check digit; `kinds` has one letter per position: N digit, A alnum.

    Returns (value, digit, valid, corrected, guessed). Digits-only positions are mapped deterministically;
    alphanumeric positions try look-alikes; any repair is kept only when the check digit holds.
    """
    forced = "".join(_digit_options(c) if k == "N" else c for c, k in zip(value, kinds, strict=True))
    fixed_digit = _digit_options(digit)
    if value == forced and digit == fixed_digit and check_digit(value) == digit:
        return value, digit, True, False, False
    options = [_digit_choices(c) if k == "N" else _alnum_options(c) for c, k in zip(value, kinds, strict=True)]
    size = 1
    for opts in options:
        size *= len(opts)
    if size > _MAX_CANDIDATES:  # too damaged to search: only the forced digit swaps
        options = [[opts[0]] if len(opts) > 1 and k == "A" else opts for opts, k in zip(options, kinds, strict=True)]
    candidates = ["".join(c) for c in itertools.product(*options)]
    good = [c for c in candidates if check_digit(c) == fixed_digit
            and sum(a != b for a, b in zip(c, forced, strict=True)) <= _MAX_SWAPS]
    if not good:
        return value, digit, False, False, False
    # Fewest changes wins; a tie means the check digit cannot tell them apart, so do not guess.
    # Where several repairs satisfy the check digit, the one the printed page shows is the reading.
    seen = [c for c in good if c.replace("<", "") in printed]
    if len(seen) == 1:
        return seen[0], fixed_digit, True, True, seen[0] != forced
    good.sort(key=lambda c: sum(a != b for a, b in zip(c, value, strict=True)))
    changes = [sum(a != b for a, b in zip(c, value, strict=True)) for c in good]
    if len(good) > 1 and changes[0] == changes[1]:
        return value, digit, False, False, False
    return good[0], fixed_digit, True, True, good[0] != forced


def _letters(value: str) -> str:
    return "".join(_AS_LETTER.get(c, c) for c in value)


def _strip_padding(text: str) -> str:
    """Drop the filler padding after the names, however OCR rendered the `<` characters."""
    # Names hold at most "<<" (surname from given names), so a third filler starts the padding.
    text = re.sub(r"<<<.*$", "", text)
    text = re.sub(rf"<[<{FILLER_LOOKALIKES}]*$", "", re.sub(r"[^A-Z<]+$", "", text))
    text = re.sub(r"(?<=[A-Z]{3})[KX]{2}$", "", text)  # "KX"/"XK" never end a name
    tail = re.search(rf"[{FILLER_LOOKALIKES}]{{3,}}$", text)
    if tail and sum(c in _FILLER_LIKELY for c in tail.group()) >= 0.6 * len(tail.group()):
        text = text[:tail.start()]
    return text


def _names(field_text: str) -> tuple[str, str]:
    surname, _, given = _strip_padding(_letters(field_text)).partition("<<")
    return surname.replace("<", " ").strip(), re.sub(r"<+", " ", given).strip()


def _date(yymmdd: str, *, expiry: bool, today: date) -> date | None:
    if not yymmdd.isdigit():
        return None
    yy, mm, dd = int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:])
    # A birth date is never in the future; an expiry date lies within a few decades of today.
    latest = today.year + (50 if expiry else 0)
    century = 2000 if 2000 + yy <= latest else 1900
    try:
        return date(century + yy, mm, dd)
    except ValueError:
        return None


def _sex(char: str) -> str | None:
    return {"M": "M", "F": "F", "<": "X", "X": "X"}.get(char)


class _Reader:
    """Collects repaired fields and check results while walking one MRZ."""

    def __init__(self, printed: frozenset[str]) -> None:
        self.checks: list[MrzCheck] = []
        self.printed = printed  # document numbers read on the printed page

    def checked(self, name: str, value: str, digit: str, kinds: str | None = None) -> tuple[str, str]:
        printed = self.printed if name == "document_number" else frozenset()
        value, digit, valid, corrected, guessed = _repair_checked(value, digit, kinds or "N" * len(value), printed)
        self.checks.append(MrzCheck(name, valid, corrected, guessed))
        return value, digit

    def confirm_repairs(self) -> None:
        """A repair is only believed when the composite check, computed over it, also holds (this catches a
        misread check digit; it cannot confirm a document-number swap, which weighs the same in both)."""
        composite = next((c for c in self.checks if c.name == "composite"), None)
        if composite is not None and not composite.valid:
            for check in self.checks:
                if check.corrected:
                    check.valid = False


def _country(value: str) -> str:
    return _letters(value).replace("<", "")


def _parse_td3_or_td2(lines: list[str], fmt: str, today: date, printed: frozenset[str]) -> Mrz:
    width = 44 if fmt == "TD3" else 36
    one, two = _fit(lines[0], width), _fit_data(lines[1], width)
    r = _Reader(printed)
    number, n_check = r.checked("document_number", two[0:9], two[9], "A" * 9)
    dob, dob_check = r.checked("date_of_birth", two[13:19], two[19])
    exp, exp_check = r.checked("expiry_date", two[21:27], two[27])
    if fmt == "TD3":
        optional, opt_check = two[28:42], two[42]
        if optional.strip("<") or opt_check != "<":
            optional, opt_check = r.checked("personal_number", optional, opt_check, "A" * 14)
        composite_in = number + n_check + dob + dob_check + exp + exp_check + optional + opt_check
        tail = optional + opt_check
    else:
        optional = two[28:35]
        composite_in = number + n_check + dob + dob_check + exp + exp_check + optional
        tail = optional
    composite, comp_check = r.checked("composite", composite_in, two[-1], "A" * len(composite_in))
    r.confirm_repairs()
    sex_char = two[20]
    new_two = composite[:10] + _country(two[10:13]).ljust(3, "<") + composite[10:17] + sex_char
    new_two += composite[17:24] + tail + comp_check
    surname, given = _names(one[5:])
    return Mrz(
        format=fmt, lines=[one, new_two[:width]], document_code=one[0:2].replace("<", ""),
        issuing_country=_country(one[2:5]), document_number=composite[:9].replace("<", ""),
        nationality=_country(two[10:13]), date_of_birth=_date(dob, expiry=False, today=today),
        sex=_sex(sex_char), expiry_date=_date(exp, expiry=True, today=today),
        surname=surname, given_names=given, checks=r.checks, raw_lines=list(lines),
    )


def _parse_td1(lines: list[str], today: date, printed: frozenset[str]) -> Mrz:
    one, two, three = _fit(lines[0], 30), _fit_data(lines[1], 30), _fit(lines[2], 30)
    r = _Reader(printed)
    number, n_check = one[5:14], one[14]
    if n_check == "<" and one[15:30].strip("<"):
        # Long document numbers continue in the optional field; their check digit ends that part.
        extra = one[15:30].split("<", 1)[0]
        number, n_check = r.checked("document_number", number + extra[:-1], extra[-1], "A" * (8 + len(extra)))
    else:
        number, n_check = r.checked("document_number", number, n_check, "A" * 9)
    dob, dob_check = r.checked("date_of_birth", two[0:6], two[6])
    exp, exp_check = r.checked("expiry_date", two[8:14], two[14])
    composite_in = one[5:30] + dob + dob_check + exp + exp_check + two[18:29]
    r.checked("composite", composite_in, two[29], "A" * len(composite_in))
    r.confirm_repairs()
    surname, given = _names(three)
    return Mrz(
        format="TD1", lines=[one, two, three], document_code=one[0:2].replace("<", ""),
        issuing_country=_country(one[2:5]), document_number=number.replace("<", ""),
        nationality=_country(two[15:18]), date_of_birth=_date(dob, expiry=False, today=today),
        sex=_sex(two[7]), expiry_date=_date(exp, expiry=True, today=today),
        surname=surname, given_names=given, checks=r.checks, raw_lines=list(lines),
    )


def _parse_fixed(lines: list[str], fmt: str, today: date, printed: frozenset[str]) -> Mrz:
    return _parse_td1(lines, today, printed) if fmt == "TD1" else _parse_td3_or_td2(lines, fmt, today, printed)


def _realigned(lines: list[str], fmt: str) -> list[list[str]]:
    """Every version of the data lines with one character dropped or one filler put back."""
    variants = []
    for index in ((0, 1) if fmt == "TD1" else (1,)):
        line = lines[index]
        edits = {line[:i] + line[i + 1:] for i in range(len(line))} | {line[:i] + "<" + line[i:] for i in
                                                                      range(len(line) + 1)}
        width = _LENGTHS[fmt][1]
        fit = _fit if fmt == "TD1" and index == 0 else _fit_data
        variants += [[*lines[:index], fit(edit, width), *lines[index + 1:]] for edit in sorted(edits - {line})]
    return variants


# Where the date digits and the sex letter sit on the line that carries them.
_SHAPE = {"TD3": (1, (13, 19), (21, 27), 20), "TD2": (1, (13, 19), (21, 27), 20), "TD1": (1, (0, 6), (8, 14), 7)}


def _well_formed(lines: list[str], fmt: str, strict: bool = False) -> bool:
    """Dates where dates belong and a sex letter where it belongs: a misaligned line breaks this. Not
    `strict`, a letter OCR reads for a digit counts as one."""
    index, birth, expiry, sex = _SHAPE[fmt]
    line = _fit_data(lines[index], _LENGTHS[fmt][1])
    digits = line[birth[0]:birth[1]] + line[expiry[0]:expiry[1]]
    return all(c.isdigit() or (c in _AS_DIGIT and not strict) for c in digits) and line[sex] in "MFX<"


def _country_score(mrz: Mrz) -> tuple[bool, int]:
    # Between realignments that all satisfy the check digits, prefer a nationality read as letters.
    return mrz.nationality != mrz.issuing_country, sum(c.isdigit() for c in mrz.lines[-1 if mrz.format != "TD1"
                                                                                         else 1][10:13])


# Birth date, check digit, sex, expiry date: what makes a line an MRZ data line ("/" may be a 7).
_DATA_LINE = re.compile(r"[\d/]{6}.[MFX<][\d/]{6}")


def parse_mrz(lines: list[str], today: date | None = None, printed_numbers: Iterable[str] = ()) -> Mrz | None:
    """Parse raw MRZ lines (as OCR read them); None when they fit no ICAO format.

    A lone TD3 data line (the name line unreadable) still gives number, dates and check digits.
    `printed_numbers` (what the visual zone shows) decide between document-number repairs that the
    check digit cannot tell apart.
    """
    today = today or date.today()
    clean = [normalise_line(line) for line in lines if normalise_line(line)]
    if len(clean) == 1 and abs(len(clean[0]) - 44) <= 2 and _DATA_LINE.search(clean[0]):
        clean = ["<" * 44, clean[0]]
    fmt = detect_format(clean)
    if fmt is None:
        return None
    printed = frozenset(printed_numbers)
    mrz = _parse_fixed(clean, fmt, today, printed)
    data_lines = clean[:2] if fmt == "TD1" else clean[1:]
    if mrz.valid or (_well_formed(clean, fmt, strict=True) and all(len(line) == _LENGTHS[fmt][1]
                                                                    for line in data_lines)):
        return mrz
    # OCR that adds or drops one character shifts every later field (an "I" read twice and a filler
    # fewer keeps the length, a letter then where a date's digit belongs); a realignment is kept only
    # when it puts dates back where dates belong and every check digit then holds.
    found = [c for c in (_parse_fixed(v, fmt, today, printed) for v in _realigned(clean, fmt) if _well_formed(v, fmt))
             if c.valid]
    # A realignment that needs no letter/digit guess beats those that do (the guesses stay flagged), and
    # one that reads no letter as a digit those that do ("IIND611" as "IIN0611", a birth date by chance).
    found = [c for c in found if not c.guessed] or found
    found = [c for c in found if not c.corrected] or found
    # Realignments that disagree on a date or the sex leave the reading ambiguous: keep it failed.
    # (The nationality has no check digit; the country score below picks the likeliest.)
    readings = {(c.date_of_birth, c.expiry_date, c.sex) for c in found}
    if len(readings) != 1:
        return mrz
    best = min(found, key=_country_score)
    if len({c.document_number for c in found}) > 1:
        # The dates agree, the number does not: report the dates, no number, and fail the number's check.
        best.document_number = ""
        for check in best.checks:
            if check.name in ("document_number", "composite"):
                check.valid = False
    best.raw_lines = list(lines)
    return best


_MRZ_ALPHABET = re.compile(r"[A-Z0-9<«‹/>]")


def find_mrz_lines(text: str) -> list[str] | None:
    """MRZ lines found in plain page text, for when the text stage did not mark them itself."""
    # A line is MRZ-like when nearly all its characters are MRZ characters (OCR adds a stray $ or |).
    candidates = [line.replace(" ", "").upper() for line in text.splitlines()]
    lines = [normalise_line(line) for line in candidates
             if 28 <= len(line) <= 48 and len(_MRZ_ALPHABET.findall(line)) >= 0.9 * len(line)]
    lines = [line for line in lines if line.count("<") >= 2 and len(line) >= 28]
    for count in (2, 3, 1):
        for start in range(len(lines) - count, -1, -1):
            window = lines[start:start + count]
            if detect_format(window) or (count == 1 and _DATA_LINE.search(window[0])):
                return window
    return None
