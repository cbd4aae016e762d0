"""Answers for the parity tests: every key's examples and thousands of answers generated
from the keys, as the book's answer boxes send them (a string, or ``[key, value]`` pairs
for a mapping; :func:`xinzhi.practice.from_page` gives the Python value).

Shared by ``tests/test_practice.py`` (Python against the page's checker) and
``tests/test_sealing.py`` (clear keys against sealed keys).  Deterministic for a seed.
"""

from __future__ import annotations

import random

from xinzhi.keys import answer_key, exercise_ids

#: The seed both parity tests use.
SEED = 20261203

_NOISE = list("、，,;；和与及 .。-第篇段个%0123456789一二三四五六七八九十两〇“”「」（）()[]〔〕ABCDabcd全要素新质生产力\u3000\u200b\n")


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else ("\u3000" if c == " " else c) for c in text)


def _as_text(value) -> str:
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _joinings(items: list[str], rng: random.Random) -> list[str]:
    texts = [_as_text(i) for i in items]
    out = ["、".join(texts), "，".join(texts), " ".join(texts), ";".join(texts), "\n".join(texts)]
    if len(texts) > 1:
        out.append("、".join(texts[:-1]) + "和" + texts[-1])
        out.append("".join(f"“{t}”" for t in texts))
    shuffled = texts[:]
    rng.shuffle(shuffled)
    out.append("、".join(shuffled))
    if len(texts) > 1:
        out.append("、".join(texts[:-1]))  # one missing
        out.append("、".join(texts + [texts[0]]))  # a repeat
        out.append("、".join(texts + ["其他"]))  # one extra
    return out


def _mutations(text: str, rng: random.Random) -> list[str]:
    out = [text, _fullwidth(text), f"“{text}”", f"{text}。", f"（{text}）", f" {text} ", text.upper(), text.lower(),
           f"第{text}", f"第{text}篇", text.replace(".", "。"), "\u200b".join(text), " ".join(text),
           "".join("〇一二三四五六七八九"[int(c)] if c in "0123456789" else c for c in text)]
    if text:
        i = rng.randrange(len(text))
        out.append(text[:i] + text[i + 1:])
        out.append(text[:i] + rng.choice(_NOISE) + text[i:])
    return out


def _spellings(spec) -> list[str]:
    return [s for s in (spec if isinstance(spec, list) else [spec]) if isinstance(s, (str, int, float))]


def _page_answers(eid: str, rng: random.Random) -> list:
    """Answers as the page sends them (a string, or [key, value] pairs for a mapping)."""
    key = answer_key(eid)
    kind, answers = key["kind"], []
    examples = key["examples"]["accept"] + key["examples"]["reject"]
    if kind == "mapping":
        names = list(key["answer"])
        for example in examples:
            pairs = [[str(k), None if v is None else _as_text(v)] for k, v in example.items()]
            answers.append(pairs)
            for _ in range(6):
                mutated = [[k, rng.choice(_mutations(v, rng)) if v is not None else None] for k, v in pairs]
                answers.append(mutated)
            answers.append([[k, None] for k, _ in pairs])
            answers.append([[k, None if n % 2 else v] for n, (k, v) in enumerate(pairs)])
            if len(pairs) > 1:
                values = [v for _, v in pairs]
                answers.append([[k, v] for (k, _), v in zip(pairs, values[1:] + values[:1])])
            answers.append(pairs[:-1])
            answers.append(pairs + [["其他", "1"]])
            answers.append([[f"（{k}）", v] for k, v in pairs])
        for name in names:
            for value in _spellings(key["answer"][name])[:2]:
                answers.append([[n, _as_text(value) if n == name else None] for n in names])
        return answers
    texts: list[str] = []
    for example in examples + [key["answer"]]:
        if isinstance(example, list) and kind in ("set", "sequence", "pids"):
            texts += _joinings([_spellings(i)[0] if isinstance(i, list) else i for i in example], rng)
        elif isinstance(example, list) and kind == "pid" and len(example) == 2:
            texts.append(f"{example[0]}.{example[1]}")
        elif isinstance(example, list):
            texts += [_as_text(s) for s in example]
        else:
            texts.append(_as_text(example))
    for spec in key.get("accept", []) + key.get("frame", []):
        texts.append(spec)
    for text in list(texts):
        answers += _mutations(text, rng)
    answers += ["", " ", "\u3000\n", "\u200b", "。", "？", "".join(rng.choice(_NOISE) for _ in range(rng.randrange(1, 12)))]
    return answers


def example_cases(eid: str) -> list[object]:
    """A key's accept and reject examples as the page would send them."""
    key = answer_key(eid)
    cases: list[object] = []
    for example in key["examples"]["accept"] + key["examples"]["reject"]:
        if isinstance(example, dict):
            cases.append([[str(k), _as_text(v)] for k, v in example.items()])
        elif isinstance(example, list) and key["kind"] == "pid":
            cases.append(f"{example[0]}.{example[1]}")
        elif isinstance(example, list):
            cases.append("、".join(_as_text(_spellings(i)[0] if isinstance(i, list) else i) for i in example))
        else:
            cases.append(_as_text(example))
    return cases


def page_cases(seed: int = SEED) -> tuple[list[tuple[str, object]], int]:
    """``(exercise id, answer)`` for every key: its examples first, then generated answers;
    and how many of them are examples."""
    rng = random.Random(seed)
    cases: list[tuple[str, object]] = []
    examples = 0
    for eid in exercise_ids():
        own = example_cases(eid)
        examples += len(own)
        cases += [(eid, a) for a in own]
        cases += [(eid, a) for a in _page_answers(eid, rng)]
    return cases, examples
