"""What an answer key accepts, in the clear or sealed: the keys of the graded handouts.

:func:`xinzhi.check` does not compare an answer with a key's spellings one by one; it asks
a *view* of the key (:func:`key_view`) whether the answer's normalised forms are among the
forms the key accepts.  A form is a pair ``(tag, text)``:

``("form", text)``
    a spelling in :func:`xinzhi.answers.text_form` (Rules 1–3);
``("number", text)``
    the number an integer-id spelling names (``"8"``, Rule 5), as :func:`number_text`;
``("pid", "E.N")``
    a pid spelling (Rule 6);
``("letter", "B")``
    an option letter;
``("value", text)``
    a numeric answer, as :func:`number_text` (compared within the key's tolerance);
``("frame", text)``
    a frame phrase (Rule 4), in text form;
``("essay", "E")``
    the essay of a pid answer (for the hint 篇目对了，段落号不对).

A clear key (``data/answers.json``) holds the forms themselves.  A **sealed** key holds
only salted SHA-256 digests of them, so the file no longer shows the answers; the
graded handouts (``make graded``) carry sealed keys instead of ``answers.json``
(:func:`seal_keys` writes them, ``data/answers.sealed.json``).  The same rules run over
both views, so a sealed key gives the same verdicts as its clear key (a parity test checks
every key's examples and thousands of generated answers), with two differences:

* a wrong number is not told 偏大了/偏小了 (that would need the answer);
* the explanation shown after a right answer is encrypted: each item the key asks for has
  a random secret, stored once per accepted form, XOR-ed with a digest of that form; an
  answer that matches every item recovers every secret, and their digest decrypts the
  explanation.  A wrong answer learns nothing from it.

Numbers with a tolerance are found without the answer: the candidates a key's answer can
be (multiples of 10⁻ᵈ, ``d`` its decimals, within the tolerance of the student's number)
are each hashed and looked up.

What sealing does not do: an answer chosen among few possibilities (an option letter, an
essay number, a pid) can still be found by trying them, as with nbgrader's hashed tests;
hints, options, units and tolerances stay readable.  Sealing keeps the key out of the
files, it does not make guessing impossible.

>>> view = key_view({"kind": "text", "answer": "集约型", "accept": ["集约"], "hint": "h"})
>>> ("form", "集约") in view.items[0], ("form", "粗放型") in view.items[0]
(True, False)
>>> import json
>>> sealed = seal_key("5.2", {"kind": "text", "answer": "集约型", "hint": "h",
...                           "explanation": "对。"}, salt="demo")
>>> "集约型" in json.dumps(sealed, ensure_ascii=False)
False
>>> view = key_view(sealed)
>>> ("form", "集约型") in view.items[0], view.explanation()
(True, '对。')
"""

from __future__ import annotations

import base64
import hashlib
import math
import re
import secrets
from decimal import Decimal
from typing import Any, Iterable

from .answers import is_integer_id, is_pid, read_pid, text_form
from .errors import AnswerKeyError

__all__ = [
    "SEALED_FORMAT",
    "SEALED_VERSION",
    "SEALED_NAME",
    "DEFAULT_TOLERANCE",
    "tolerance",
    "number_text",
    "spelling_forms",
    "Accepted",
    "SealedAccepted",
    "KeyView",
    "key_view",
    "seal_key",
    "seal_keys",
    "is_sealed_file",
    "sealed_keys_of",
    "sealed_key_problems",
]

#: The ``format`` field of a sealed keys file, and the version this module reads.
SEALED_FORMAT = "xinzhi-sealed-keys"
SEALED_VERSION = 1
#: The sealed keys' file name, in ``xinzhi/data/`` of a graded handout's wheel.
SEALED_NAME = "answers.sealed.json"
DEFAULT_TOLERANCE = 1e-9

#: A number key's candidates beyond this many are not looked up (a far-off answer).
_MAX_CANDIDATES = 100_000
_DIGEST = re.compile(r"[0-9a-f]{32}")
_LETTER = re.compile(r"[A-Z]")


def tolerance(key: dict, target: float) -> float:
    """How far from ``target`` a number may be: the key's absolute ``tolerance`` or its
    ``rel_tolerance`` times the target, whichever is larger.

    >>> tolerance({"tolerance": 0.5}, 245.2), tolerance({"rel_tolerance": 0.01}, 18)
    (0.5, 0.18)
    """
    absolute = key.get("tolerance", DEFAULT_TOLERANCE)
    return max(absolute, key.get("rel_tolerance", 0.0) * abs(target))


def number_text(number: float) -> str:
    """A number as one text whatever its type (``8``, ``8.0``, ``-0.0`` alike).

    >>> number_text(8), number_text(-0.0), number_text(245.2)
    ('8.0', '0.0', '245.2')
    """
    return repr(float(number) + 0.0)


def spelling_forms(spelling: str) -> list[tuple[str, str]]:
    """The forms a key's spelling is accepted in: its text form; the number, if it is an
    integer id (Rule 5); the pid, if it is written as one (Rule 6).

    >>> spelling_forms("8"), spelling_forms("2.2")[1]
    ([('form', '8'), ('number', '8.0')], ('pid', '2.2'))
    """
    forms = [("form", text_form(spelling))]
    if is_integer_id(spelling):
        forms.append(("number", number_text(float(spelling))))
    if is_pid(spelling):
        forms.append(("pid", read_pid(spelling)))
    return forms


class Accepted:
    """One item of a clear key: the forms it accepts (``forms``), and its numeric answers.

    >>> item = Accepted(spelling_forms("8"), numbers=[245.2])
    >>> ("number", "8.0") in item, item.has_number(245.6, {"tolerance": 0.5})
    (True, True)
    """

    secret = None  # a clear key has nothing to unlock

    def __init__(self, forms: Iterable[tuple[str, str]], numbers: Iterable[float] = ()) -> None:
        self.forms = frozenset(forms)
        self.numbers = tuple(float(n) for n in numbers)

    def __contains__(self, form: object) -> bool:
        return form in self.forms

    @property
    def has_numbers(self) -> bool:
        return bool(self.numbers)

    def has_number(self, number: float, key: dict) -> bool:
        """Whether ``number`` is within the key's tolerance of a numeric answer."""
        return any(abs(number - n) <= tolerance(key, n) for n in self.numbers)


class SealedAccepted:
    """One item of a sealed key: digests of the forms it accepts, each with the item's
    secret wrapped by that form; a successful lookup keeps the secret."""

    def __init__(self, salt: str, accepts: dict[str, str], decimals: Iterable[int] = ()) -> None:
        self.salt, self.accepts, self.decimals = salt, accepts, tuple(decimals)
        self.secret: bytes | None = None

    def __contains__(self, form: object) -> bool:
        if not (isinstance(form, tuple) and len(form) == 2):
            return False
        tag, text = form
        wrapped = self.accepts.get(_digest(self.salt, tag, text))
        if wrapped is None:
            return False
        if wrapped:
            self.secret = _xor(bytes.fromhex(wrapped), _pad(self.salt, tag, text, 16))
        return True

    @property
    def has_numbers(self) -> bool:
        return bool(self.decimals)

    def has_number(self, number: float, key: dict) -> bool:
        """Whether ``number`` is within the key's tolerance of a numeric answer: each
        multiple of 10⁻ᵈ that could be that answer is looked up."""
        if not math.isfinite(number):
            return False
        relative = key.get("rel_tolerance", 0.0)
        if relative >= 1:
            return False
        bound = max(key.get("tolerance", DEFAULT_TOLERANCE), relative * abs(number) / (1 - relative))
        for decimals in self.decimals:
            low, high = (number - bound) * 10**decimals, (number + bound) * 10**decimals
            if not (math.isfinite(low) and math.isfinite(high)) or high - low > _MAX_CANDIDATES:
                continue
            for m in range(math.floor(low) - 1, math.ceil(high) + 2):
                candidate = float(Decimal(m).scaleb(-decimals))
                if abs(number - candidate) <= tolerance(key, candidate) and \
                        ("value", number_text(candidate)) in self:
                    return True
        return False


class KeyView:
    """What the graders read from a key, clear or sealed.

    ``key`` is the key itself (``kind``, ``hint``, ``units``, ``options`` and the
    tolerances are readable in both forms); ``items`` the items it asks for (one for a
    choice, text, number or pid; one per item of a set, sequence or pids key; one per name
    of a mapping, in ``names``' order); ``frames`` the frame phrases and ``longest_frame``
    the longest one's length (0: none); ``letters`` whether every item is an option letter;
    ``essay`` the essay of a pid answer; ``target`` a clear number key's answer (None when
    sealed)."""

    def __init__(self, key: dict, items: list, *, names: list[str] | None = None,
                 frames: Any = None, longest_frame: int = 0, letters: bool = False,
                 essay: Any = None, target: float | None = None) -> None:
        self.key, self.items, self.names = key, items, names or []
        self.frames, self.longest_frame = frames, longest_frame
        self.letters, self.essay, self.target = letters, essay, target

    def explanation(self) -> str | None:
        """The explanation shown after a right answer (a sealed key's, once every item's
        secret is known)."""
        sealed = self.key.get("sealed")
        if sealed is None:
            text = self.key.get("explanation")
            return text if isinstance(text, str) else None
        if "explanation" not in sealed or any(item.secret is None for item in self.items):
            return None
        unlock = hashlib.sha256(b"".join(item.secret for item in self.items)).digest()
        if _digest_bytes(b"check", unlock) != sealed.get("explanation_check"):
            return None
        cipher = base64.b64decode(sealed["explanation"])
        return _xor(cipher, _stream(unlock, len(cipher))).decode("utf-8", errors="replace")


def key_view(key: dict) -> KeyView:
    """The view of a well-formed key, clear or sealed, that the graders read."""
    if "sealed" in key:
        return _sealed_view(key)
    kind, answer = key["kind"], key["answer"]
    frames = [text_form(f) for f in key.get("frame", []) if text_form(f)]
    common = {"frames": Accepted(("frame", f) for f in frames),
              "longest_frame": max(map(len, frames), default=0)}
    if kind == "choice":
        letters = answer if isinstance(answer, list) else [answer]
        return KeyView(key, [Accepted(("letter", a) for a in letters)], **common)
    if kind == "text":
        return KeyView(key, [_spellings([answer, *key.get("accept", [])])], **common)
    if kind == "number":
        return KeyView(key, [Accepted((), [answer])], target=float(answer), **common)
    if kind in ("set", "sequence"):
        options = [item if isinstance(item, list) else [item] for item in answer]
        letters = all(_LETTER.fullmatch(s) for spellings in options for s in spellings)
        return KeyView(key, [_spellings(s) for s in options], letters=letters, **common)
    if kind == "pid":
        return KeyView(key, [Accepted([("pid", answer)])],
                       essay=Accepted([("essay", answer.split(".")[0])]), **common)
    if kind == "pids":
        return KeyView(key, [Accepted([("pid", p)]) for p in answer], **common)
    options = [value if isinstance(value, list) else [value] for value in answer.values()]
    return KeyView(key, [_spellings(o) for o in options], names=list(answer), **common)


def _spellings(options: list) -> Accepted:
    words = [o for o in options if isinstance(o, str)]
    numbers = [o for o in options if isinstance(o, (int, float)) and not isinstance(o, bool)]
    return Accepted([form for w in words for form in spelling_forms(w)], numbers)


def _sealed_view(key: dict) -> KeyView:
    sealed = key["sealed"]
    salt = sealed["salt"]
    items = [SealedAccepted(salt, item["accepts"], item.get("decimals", ())) for item in sealed["items"]]
    essay = SealedAccepted(salt, sealed["essay"]) if "essay" in sealed else None
    return KeyView(key, items, names=sealed.get("names"),
                   frames=SealedAccepted(salt, sealed.get("frames", {})),
                   longest_frame=sealed.get("longest_frame", 0),
                   letters=sealed.get("letters", False), essay=essay)


# --- sealing -------------------------------------------------------------------------
def _digest(salt: str, tag: str, text: str) -> str:
    return hashlib.sha256(f"{salt}\x1f{tag}\x1f{text}".encode("utf-8")).hexdigest()[:32]


def _pad(salt: str, tag: str, text: str, size: int) -> bytes:
    return hashlib.sha256(f"{salt}\x1fwrap\x1f{tag}\x1f{text}".encode("utf-8")).digest()[:size]


def _digest_bytes(label: bytes, data: bytes) -> str:
    return hashlib.sha256(label + b"\x1f" + data).hexdigest()[:32]


def _stream(unlock: bytes, size: int) -> bytes:
    blocks = (hashlib.sha256(unlock + n.to_bytes(4, "big")).digest() for n in range(size // 32 + 1))
    return b"".join(blocks)[:size]


def _xor(data: bytes, pad: bytes) -> bytes:
    return bytes(a ^ b for a, b in zip(data, pad))


def _decimals(number: float) -> int:
    """How many decimals a number is written with (``245.2`` → 1, ``2035`` → 0)."""
    exponent = Decimal(number_text(number)).normalize().as_tuple().exponent
    return max(0, -int(exponent))


def seal_key(exercise_id: str, key: dict, salt: str | None = None) -> dict:
    """A sealed copy of one well-formed clear key: no answer, accepted spellings,
    frames, examples or notes; the explanation encrypted.  ``salt`` (default: random)
    is combined with the exercise id.  Raises :class:`xinzhi.AnswerKeyError` for a number
    key whose tolerance is too wide to look up."""
    view = key_view(key)
    salt = hashlib.sha256(f"{salt or secrets.token_hex(16)}\x1f{exercise_id}".encode()).hexdigest()[:32]
    items, item_secrets = [], []
    for item in view.items:
        secret = secrets.token_bytes(16)
        item_secrets.append(secret)
        forms = list(item.forms) + [("value", number_text(n)) for n in item.numbers]
        accepts = {_digest(salt, tag, text): _xor(secret, _pad(salt, tag, text, 16)).hex()
                   for tag, text in sorted(forms)}
        sealed_item: dict[str, Any] = {"accepts": accepts}
        if item.numbers:
            sealed_item["decimals"] = sorted({_decimals(n) for n in item.numbers})
            for number in item.numbers:
                _check_lookup(exercise_id, key, number, _decimals(number))
        items.append(sealed_item)
    out = {field: key[field] for field in ("kind", "hint", "units", "options", "tolerance", "rel_tolerance")
           if field in key}
    sealed: dict[str, Any] = {"salt": salt, "items": items}
    if view.names:
        sealed["names"] = view.names
    if view.letters:
        sealed["letters"] = True
    if view.longest_frame:
        sealed["frames"] = {_digest(salt, tag, text): "" for tag, text in sorted(view.frames.forms)}
        sealed["longest_frame"] = view.longest_frame
    if view.essay is not None:
        sealed["essay"] = {_digest(salt, tag, text): "" for tag, text in view.essay.forms}
    explanation = key.get("explanation")
    if isinstance(explanation, str) and explanation.strip():
        unlock = hashlib.sha256(b"".join(item_secrets)).digest()
        plain = explanation.encode("utf-8")
        sealed["explanation"] = base64.b64encode(_xor(plain, _stream(unlock, len(plain)))).decode("ascii")
        sealed["explanation_check"] = _digest_bytes(b"check", unlock)
    out["sealed"] = sealed
    return out


def _check_lookup(exercise_id: str, key: dict, number: float, decimals: int) -> None:
    """Refuse a number key whose right answers would take too many lookups: the
    candidates of an answer near the key's own (with room, since a student's number sets
    the range looked up) must stay well under :data:`_MAX_CANDIDATES`."""
    span = 2 * tolerance(key, number) * 1.5 * 10**decimals
    if key.get("rel_tolerance", 0.0) >= 1 or span > _MAX_CANDIDATES / 10 or abs(number) * 10**decimals > 1e12:
        raise AnswerKeyError(
            f"{exercise_id}: a number answer of {decimals} decimals with this tolerance cannot be "
            "sealed (too many candidates to look up); narrow 'tolerance' or 'rel_tolerance'"
        )


def seal_keys(keys: dict[str, dict], salt: str | None = None) -> dict[str, Any]:
    """The sealed keys file for ``keys`` (clear, well-formed): ``{"format":
    SEALED_FORMAT, "version": SEALED_VERSION, "keys": {id: sealed key}}``."""
    salt = salt or secrets.token_hex(16)
    return {"format": SEALED_FORMAT, "version": SEALED_VERSION,
            "keys": {eid: seal_key(eid, key, salt) for eid, key in keys.items()}}


# --- reading a sealed file -------------------------------------------------------------
def is_sealed_file(data: object) -> bool:
    """Whether parsed JSON is a sealed keys file (rather than clear keys)."""
    return isinstance(data, dict) and data.get("format") == SEALED_FORMAT


def sealed_keys_of(data: dict) -> tuple[dict[str, Any], str | None]:
    """The keys of a sealed file, and a problem with the file as a whole (or None)."""
    version = data.get("version")
    if version != SEALED_VERSION:
        return {}, (f"the sealed keys are of version {version!r}; this xinzhi reads version "
                    f"{SEALED_VERSION}: install the xinzhi-study wheel that came with the handouts")
    keys = data.get("keys")
    if not isinstance(keys, dict):
        return {}, "the sealed keys file has no 'keys' object"
    return keys, None


def _digests(value: object, wrapped: bool) -> bool:
    return isinstance(value, dict) and all(
        isinstance(k, str) and _DIGEST.fullmatch(k) and isinstance(v, str)
        and (re.fullmatch(r"[0-9a-f]{32}", v) if wrapped else v == "")
        for k, v in value.items())


def sealed_key_problems(key: object) -> list[str]:
    """What is wrong with one sealed key, one line each (empty when it can grade)."""
    from .keys import KINDS

    if not isinstance(key, dict) or not isinstance(key.get("sealed"), dict):
        return ["a sealed key must be a JSON object with a 'sealed' object"]
    sealed, problems = key["sealed"], []
    if key.get("kind") not in KINDS:
        problems.append(f"unknown kind {key.get('kind')!r}; use one of {', '.join(KINDS)}")
    if not isinstance(key.get("hint"), str):
        problems.append("missing 'hint' (one short Chinese sentence)")
    if not (isinstance(sealed.get("salt"), str) and _DIGEST.fullmatch(sealed["salt"])):
        problems.append("'sealed.salt' must be 32 hexadecimal digits")
    items = sealed.get("items")
    if not isinstance(items, list) or not items or not all(
            isinstance(i, dict) and _digests(i.get("accepts"), True)
            and all(isinstance(d, int) and 0 <= d <= 15 for d in i.get("decimals", [])) for i in items):
        problems.append("'sealed.items' must be a non-empty list of {'accepts': {digest: wrapped secret}}")
    names = sealed.get("names")
    if key.get("kind") == "mapping" and not (
            isinstance(names, list) and isinstance(items, list) and len(names) == len(items)
            and all(isinstance(n, str) for n in names)):
        problems.append("'sealed.names' must list one name per item of a mapping")
    if not _digests(sealed.get("frames", {}), False) or not _digests(sealed.get("essay", {}), False):
        problems.append("'sealed.frames' and 'sealed.essay' map digests to empty strings")
    if ("explanation" in sealed) != ("explanation_check" in sealed):
        problems.append("'sealed.explanation' and 'sealed.explanation_check' go together")
    return problems

