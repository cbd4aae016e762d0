"""The essays' rhetorical patterns: ordinal enumerations, shifts (由 A 向 B 转变),
paired demands, attributed quotations, numbers and dates, and parallel clauses.

The extractors are regular expressions over :func:`xinzhi.analysis.sentences`; each
docstring states its rule, so a reader can check a surprising row against it.  They
match the raw text, so a span they report (``text``, ``quote``, ``source`` ...) is found
verbatim in its paragraph.  Every function takes a :class:`xinzhi.Corpus` and returns a
pandas DataFrame with named columns.

>>> enumerations(load_corpus()).query("pid == '5.3'").scheme.tolist()
['一是/二是']
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Iterator

import pandas as pd

from .analysis import CLOSE_QUOTES, OPEN_QUOTES, sentences
from .corpus import load_corpus  # noqa: F401  (the doctests use it)
from .errors import require_choice, require_count

if TYPE_CHECKING:
    from .corpus import Corpus

__all__ = [
    "enumerations",
    "shifts",
    "paired_demands",
    "quotations",
    "numbers",
    "parallelism",
    "ENUMERATION_SCHEMES",
    "PAIRED_PATTERNS",
    "NUMBER_PATTERNS",
    "SPEAKERS",
    "SPEECH_VERBS",
    "CLAUSE_END",
]

#: Punctuation that ends a clause.
CLAUSE_END = "，；：。！？"


def _sentence_rows(corpus: "Corpus") -> Iterator[tuple[str, str, str]]:
    for row in sentences(corpus).itertuples(index=False):
        yield row.pid, row.sid, row.text


_CN_NUM = "一二两三四五六七八九十"
_CLAUSE_START = rf"(?:^|(?<=[{CLAUSE_END}]))"
#: Enumeration schemes.  A marker must open a clause (start of paragraph or after
#: ，；：。！？).  首先/其次/再次/然后/最后, 第N and 其N must also be followed directly by ，、
#: or ：, which is what keeps 第一次工业革命, 第一生产力, 第一资源, 第一动力, 第一项,
#: 第二个发展方向 and 最后一公里-type phrases out.
ENUMERATION_SCHEMES = {
    "首先/其次": rf"{_CLAUSE_START}(首先|其次|再次|然后|最后)(?=[，、：])",
    "一是/二是": rf"{_CLAUSE_START}([{_CN_NUM}]+是)",
    "第一/第二": rf"{_CLAUSE_START}(第[{_CN_NUM}]+)(?=[，、：])",
    "其一/其二": rf"{_CLAUSE_START}(其[{_CN_NUM}]+)(?=[，、：])",
    "一要/二要": rf"{_CLAUSE_START}([{_CN_NUM}]+要)",
}


def enumerations(corpus: "Corpus") -> pd.DataFrame:
    """Ordinal enumerations, one row per paragraph and scheme.

    Schemes and the marker rule are in :data:`ENUMERATION_SCHEMES`: a marker opens a
    clause, and the word-like schemes (首先, 第一, 其一) need a comma or colon right
    after, so 第一次工业革命 or 第一生产力 is not a marker.  Columns
    ``pid, scheme, markers`` (the markers in text order), ``count``.  An essay may
    spread one enumeration over several paragraphs (essay 5: 首先〔5.2〕, 其次〔5.4〕,
    最后〔5.7〕), so a row may hold a single marker.

    >>> enumerations(load_corpus()).query("pid == '5.3'").markers.tolist()
    [('一是', '二是', '三是', '四是', '五是')]
    """
    rows = []
    for p in corpus:
        found = []
        for scheme, pattern in ENUMERATION_SCHEMES.items():
            hits = list(re.finditer(pattern, p.text))
            if hits:
                found.append((hits[0].start(), scheme, tuple(m.group(1) for m in hits)))
        for _, scheme, markers in sorted(found):
            rows.append((p.pid, scheme, markers, len(markers)))
    return pd.DataFrame(rows, columns=["pid", "scheme", "markers", "count"])


_SHIFT_VERBS = "转变|转型|迈进|跃升|跃迁|转换|过渡|演进|升级"
#: "由/从 A 转向/转入/转为 B" and "由/从 A 向 B 转变" (or 迈进, 跃升 ...), within one
#: clause.  The 向 of the second form may not be the end of a word such as 导向,
#: 方向, 面向, 转向, so A may hold 出口导向的增长.
_SHIFT = re.compile(
    rf"(?P<m>由|从)(?P<source>[^{CLAUSE_END}]+?)"
    rf"(?:(?P<v1>转向|转入|转为|转变为)(?P<t1>[^{CLAUSE_END}]+?)"
    rf"(?:(?P<e1>(?:的(?:深刻|根本)?)?(?:{_SHIFT_VERBS}))|(?=相伴随|[{CLAUSE_END}]|$))"
    rf"|(?<![导方面转趋倾走指意取])向(?P<t2>[^{CLAUSE_END}]+?)"
    rf"(?P<e2>(?:的(?:深刻|根本)?)?(?:{_SHIFT_VERBS})))"
)


def shifts(corpus: "Corpus") -> pd.DataFrame:
    """The "由 A 向 B 转变" family: a change from a source to a target.

    Forms (one clause each, see ``_SHIFT``): 由/从 A 向 B 转变 (also 转型, 迈进, 跃升,
    跃迁, 转换, with an optional 的深刻/的根本 before the verb) and 由/从 A 转向/转入/
    转为 B.  Each link of a chain such as 〔3.2〕 由粗放型向集约型转变，由…向…转变 is
    its own row.  Columns ``pid, sid, source, target, text, verb``; ``text`` is the
    matched span.  Not found: a shift split by a comma (〔4.14〕 由过去的跟跑，…转变为…).

    >>> shifts(load_corpus()).query("pid == '3.3'").text.tolist()
    ['由粗放型向集约型转变']
    """
    rows = []
    for pid, sid, text in _sentence_rows(corpus):
        for m in _SHIFT.finditer(text):
            if m.group("v1"):
                target, verb = m.group("t1"), m.group("v1")
            else:
                target, verb = m.group("t2"), m.group("e2").lstrip("的深刻根本")
            rows.append((pid, sid, m.group("source"), target, m.group(0), verb))
    return pd.DataFrame(rows, columns=["pid", "sid", "source", "target", "text", "verb"])


_NC = f"[^{CLAUSE_END}]"
#: Paired constructions, tried in this order at each position.
PAIRED_PATTERNS = [
    # 既要 A，又要 B / 既是 A，也是 B ...: the second half opens the next clause.
    re.compile(rf"(?P<k1>既要|既是|既需要|既有)(?P<first>{_NC}+)，"
               rf"(?P<k2>又要|更要|也要|还要|又是|也是|更是|还是|又需要|也需要|更需要|又有|也有)"
               rf"(?P<second>{_NC}+)"),
    # 既 A 也 B in one clause (既需要有效市场也需要有为政府).
    re.compile(rf"(?P<k1>既)(?!然|定|往)(?P<first>{_NC}+?)(?P<k2>又|也)(?P<second>{_NC}+)"),
    # 不仅 A，更/还/而且/也 B.
    re.compile(rf"(?P<k1>不仅仅|不仅|不但|不只)(?P<first>{_NC}+)，"
               rf"(?P<k2>而且|并且|更是|更|还|也)(?P<second>{_NC}+)"),
    # 无论是 A(，)还是 B.
    re.compile(rf"(?P<k1>无论是)(?P<first>{_NC}+?)，?(?P<k2>还是)(?P<second>{_NC}+)"),
]


def paired_demands(corpus: "Corpus") -> pd.DataFrame:
    """Paired constructions: 既要…又要/更要…, 既是…也是/更是…, 既…又/也…,
    不仅…更/还/而且…, 无论是…还是….

    Each half runs to the end of its clause (the first half of 既要/既是/不仅 forms ends
    at the comma before the second keyword).  Columns ``pid, sid, pattern, first,
    second``; ``pattern`` names the keywords found, e.g. ``"既要…又要"``.

    >>> paired_demands(load_corpus()).query("pid == '1.2'").pattern.tolist()
    ['既要…又要', '既要…又要']
    """
    rows = []
    for pid, sid, text in _sentence_rows(corpus):
        pos = 0
        while pos < len(text):
            hits = [m for m in (p.search(text, pos) for p in PAIRED_PATTERNS) if m]
            if not hits:
                break
            m = min(hits, key=lambda h: h.start())  # earliest; list order breaks ties
            rows.append((pid, sid, f"{m.group('k1')}…{m.group('k2')}",
                         m.group("first"), m.group("second")))
            pos = m.end()
    return pd.DataFrame(rows, columns=["pid", "sid", "pattern", "first", "second"])


#: Speakers the essays quote, longest first; 同志 after a name is allowed and dropped.
SPEAKERS = ("马克思、恩格斯", "马克思", "恩格斯", "列宁", "毛泽东", "邓小平", "江泽民",
            "胡锦涛", "习近平总书记", "习近平", "党中央", "中央经济工作会议",
            "中央金融工作会议")
SPEECH_VERBS = ("强调", "指出", "提出", "认为", "曾言", "重申", "表示", "写道", "说")
_SPEAKER = re.compile("(" + "|".join(SPEAKERS) + ")(?:同志)?")
_SPEECH = re.compile("|".join(SPEECH_VERBS))
_QUOTE = re.compile(r"“([^“”]*)”")


def _speaker(before: str) -> str | None:
    """The last speaker named in ``before`` with a speech verb after the name."""
    for m in reversed(list(_SPEAKER.finditer(before))):
        if _SPEECH.search(before, m.end()):
            return m.group(1)
    return None


def quotations(corpus: "Corpus") -> pd.DataFrame:
    """Spans in “…”, with the speaker when the sentence names one.

    ``speaker``: the last name from :data:`SPEAKERS` before the quote in the same
    sentence that is followed (before the quote) by a verb from :data:`SPEECH_VERBS`
    (习近平总书记强调：“…”, 邓小平同志认为，…明确提出“…”); else None.
    ``kind``: ``"quotation"`` when a speaker is named, or a speech verb stands right
    before the quote, or the quote reads as a passage (longer than 8 characters with
    ，。；！？ in it, or 20 characters or more); otherwise ``"term"`` (a scare quote or a named term: “新质”, “卡脖子”, “揭榜挂帅”).
    Columns ``pid, sid, quote, speaker, kind``; ``quote`` is the text inside the
    marks (inner ‘…’ kept).

    >>> q = quotations(load_corpus())
    >>> q.query("quote == '科学技术是第一生产力'")[["pid", "speaker", "kind"]].values.tolist()
    [['5.5', '邓小平', 'quotation']]
    """
    rows = []
    for pid, sid, text in _sentence_rows(corpus):
        for m in _QUOTE.finditer(text):
            before, quote = text[:m.start()], m.group(1)
            speaker = _speaker(before)
            spoken = speaker or _SPEECH.search(before.rstrip("，：要")[-3:])
            passage = len(quote) >= 20 or (len(quote) > 8 and re.search("[，。；！？]", quote))
            rows.append((pid, sid, quote, speaker, "quotation" if spoken or passage else "term"))
    frame = pd.DataFrame(rows, columns=["pid", "sid", "quote", "speaker", "kind"])
    frame["speaker"] = pd.Series([r[3] for r in rows], dtype=object)  # None, not NaN
    return frame


_SP = r"[ \u3000]?"
_D = r"\d+(?:\.\d+)?"
_CN = "零一二两三四五六七八九十百千万"
#: (kind, pattern), tried in this order; a later match that overlaps an earlier one is
#: dropped.  Groups: ``v`` the number, ``u`` the unit.
NUMBER_PATTERNS = [
    ("date", rf"(?P<v>\d{{4}}){_SP}年{_SP}\d{{1,2}}{_SP}月(?:{_SP}\d{{1,2}}{_SP}日"
             rf"(?:至{_SP}\d{{1,2}}{_SP}日)?)?(?P<u>)"),
    ("date", rf"(?P<v>\d{{1,2}}){_SP}(?P<u>月)(?:{_SP}\d{{1,2}}{_SP}日)?"),
    ("date", rf"(?P<v>\d{{1,2}}){_SP}(?P<u>世纪)"),
    ("year", rf"(?P<v>\d{{4}}){_SP}(?P<u>年)"),
    ("year", r"(?<!\d)(?P<v>(?:19|20)\d{2})(?:[-–—](?:19|20)\d{2})?(?!\d)(?P<u>)"),
    ("percent", rf"(?P<v>{_D}){_SP}(?P<u>%|％)"),
    ("amount", rf"(?P<v>{_D}){_SP}(?P<u>(?:万亿|亿|万|千)?(?:元|美元))"),
    ("rank", rf"第{_SP}(?P<v>\d+){_SP}(?P<u>位|名)"),
    ("ordinal", r"党的(?P<v>十[一二三四五六七八九]?)(?P<u>大)"),
    ("ordinal", r"(?P<v>十[一二三四五六七八九]?)(?P<u>届)"),
    ("ordinal", rf"第(?P<v>[{_CN}]+)(?P<u>次|个|项|批)"),
    ("count", rf"(?<![第{_CN}])(?P<v>[两二三四五六七八九十][{_CN}]*|一[百千万][{_CN}]*)"
              rf"余?(?P<u>次|大|个|年|项|种|步|篇|要素|方面)"),
    ("number", rf"(?P<v>{_D})(?P<u>)"),
]
_NUMBER_RES = [(kind, re.compile(p)) for kind, p in NUMBER_PATTERNS]


def _cn_value(s: str) -> float:
    """A Chinese or Arabic numeral as a float: ``"十八"`` -> 18.0, ``"一百"`` -> 100.0."""
    if re.fullmatch(_D, s):
        return float(s)
    digits = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"两": 2}
    total, section, digit = 0, 0, 0
    for ch in s:
        if ch in digits:
            digit = digits[ch]
        elif ch == "万":
            total, section, digit = (total + section + digit) * 10000, 0, 0
        else:
            section += (digit or 1) * {"十": 10, "百": 100, "千": 1000}[ch]
            digit = 0
    return float(total + section + digit)


def _date_unit(span: str) -> str:
    """The units a full date spells out: ``年月`` or ``年月日``."""
    return "年月日" if "日" in span else "年月"


def numbers(corpus: "Corpus") -> pd.DataFrame:
    """Numbers with their units, kinds and values.

    Kinds (patterns in :data:`NUMBER_PATTERNS`, earlier wins on overlap): ``date``
    (2023年9月, 2023年12月11日至12日, 12月, 19世纪; ``value`` is the leading number:
    the year, the month or the century), ``year`` (2035 年, 2022-2023), ``percent``
    (18%), ``amount`` (120 万亿元: value 120, unit 万亿元), ``rank`` (第10位),
    ``ordinal`` (Chinese ordinals: 第一次, 第一项, 十八大, 十一届), ``count`` (Chinese
    numeral with a measure: 三次, 五大, 两个, 十余年; 一 alone is left out, being
    mostly an article), ``number`` (any other digits).  The extraction's spaces
    between a number and its unit are allowed; ``text`` is the span as in the source.
    Columns ``pid, sid, text, value, unit, kind``.

    >>> nums = numbers(load_corpus())
    >>> nums.query("kind == 'amount'")[["text", "value", "unit"]].values.tolist()
    [['120 万亿元', 120.0, '万亿元']]
    """
    rows = []
    for pid, sid, text in _sentence_rows(corpus):
        taken: list[tuple[int, int, tuple]] = []
        for kind, pattern in _NUMBER_RES:
            for m in pattern.finditer(text):
                if any(m.start() < e and s < m.end() for s, e, _ in taken):
                    continue
                unit = (m.group("u") or _date_unit(m.group(0))) if kind == "date" else m.group("u")
                taken.append((m.start(), m.end(),
                              (pid, sid, m.group(0), _cn_value(m.group("v")), unit, kind)))
        rows += [row for _, _, row in sorted(taken)]
    return pd.DataFrame(rows, columns=["pid", "sid", "text", "value", "unit", "kind"])


def _common_prefix(items: list[str]) -> str:
    out = ""
    for chars in zip(*items):
        if len(set(chars)) > 1:
            break
        out += chars[0]
    return out


def _common_suffix(items: list[str]) -> str:
    return _common_prefix([s[::-1] for s in items])[::-1]


def _signature(items: list[str], level: str) -> tuple[str, str] | None:
    """``(kind, label)`` when ``items`` share an opener or a frame, else None."""
    pre, suf = _common_prefix(items), _common_suffix(items)
    if level == "list":
        if pre:
            return "list", pre + "…"
        return ("list", "…" + suf) if suf else None
    if len(pre) >= 2:
        return "opener", pre + "…"
    if pre and suf and min(map(len, items)) >= 3:
        return "frame", f"{pre}…{suf}"
    return None


def _trim_list(items: list[str]) -> list[str]:
    """Cut the clause's lead-in off a list's first item and the clause's rest off its
    last item, judged from the neighbouring items (a heuristic; see :func:`parallelism`)."""
    items = list(items)
    if len(items) < 3 or not all(items):
        return items
    first, last = items[0], items[-1]
    if items[1][0] == items[2][0] and items[1][0] in first:  # 催生新产业 -> 新产业
        items[0] = first[first.rfind(items[1][0]):]
    if items[-3][0] == items[-2][0] == last[0] and len(last) > len(items[-2]):
        items[-1] = last[:len(items[-2])]  # 新产品不断涌现 -> 新产品
    if items[-3][-1] == items[-2][-1] and items[-2][-1] in items[-1]:  # 生态化发展 -> 生态化
        items[-1] = items[-1][:items[-1].find(items[-2][-1]) + 1]
    if items[0][-1] == items[1][-1] == items[2][-1] and len(items[0]) > len(items[1]):
        items[0] = items[0][-len(items[1]):]  # 推动经济发展质量变革 -> 质量变革
    return items


def _runs(units: list[str], level: str, min_run: int) -> Iterator[tuple[int, str, str, list[str]]]:
    """Maximal runs of ≥ ``min_run`` consecutive units sharing a signature."""
    i = 0
    while i + min_run <= len(units):
        j, best = i + 2, None
        while j <= len(units) and (sig := _signature(units[i:j], level)):
            best, j = (j, sig), j + 1
        if best and best[0] - i >= min_run:
            yield i, best[1][0], best[1][1], units[i:best[0]]
            i = best[0]
        else:
            i += 1


def _clauses(text: str) -> list[str]:
    parts = re.split(f"[{CLAUSE_END}]", text)
    return [p.strip(OPEN_QUOTES + CLOSE_QUOTES + " ") for p in parts if p.strip()]


_PARALLEL_COLUMNS = ["pid", "sid", "opener", "run", "clauses", "kind"]


def _section_parallelism(corpus: "Corpus", min_run: int) -> pd.DataFrame:
    """Runs among the first clauses of consecutive paragraphs of each section."""
    first_sid = sentences(corpus).drop_duplicates("pid").set_index("pid").sid
    rows = []
    for _, group in corpus.paragraphs.groupby(["essay", "section_no"], sort=False):
        firsts = [(_clauses(t) or [""])[0] for t in group.text]
        for i, kind, label, units in _runs(firsts, "clause", min_run):
            pid = group.pid.iloc[i]
            rows.append((pid, first_sid[pid], label, len(units), tuple(units), kind))
    return pd.DataFrame(rows, columns=_PARALLEL_COLUMNS)


def parallelism(corpus: "Corpus", *, min_run: int = 3, scope: str = "sentence") -> pd.DataFrame:
    """Runs of parallel clauses or list items.

    Within a sentence (``scope="sentence"``), two kinds of unit are compared:

    * clauses (split at ，；：。！？, quotation marks stripped): a run of ≥ ``min_run``
      consecutive clauses that share an opener of two or more characters
      (``kind="opener"``, e.g. 积极培育…), or the same first character and a common
      ending (``kind="frame"``, e.g. 由…转变 in 〔3.2〕);
    * items of a 、-list inside a clause sharing a first or last character
      (``kind="list"``: 新产业、新模式、新动能 is 新…; 高端化、智能化、绿色化 is …化).
      The first item loses the clause's lead-in and the last the clause's rest,
      judged from the other items (催生新产业 -> 新产业, 推动经济发展质量变革 -> 质量变革,
      生态化发展 -> 生态化); a heuristic, so a cut can be a character off.

    ``scope="section"`` compares instead the first clauses of consecutive paragraphs
    of a section (essay 4's 从主体来看, 从成长性来看 … is the frame 从…看); ``pid`` and
    ``sid`` are then those of the run's first paragraph.  Columns
    ``pid, sid, opener, run, clauses, kind``: ``opener`` the shared part with … for the
    rest, ``run`` the number of units, ``clauses`` the units (a tuple).

    >>> parallelism(load_corpus(), scope="section").query("pid == '4.7'").opener.tolist()
    ['从…看']
    """
    require_count("min_run", min_run, minimum=2)
    require_choice("scope", scope, ("sentence", "section"))
    if scope == "section":
        return _section_parallelism(corpus, min_run)
    rows = []
    for pid, sid, text in _sentence_rows(corpus):
        clauses = _clauses(text)
        runs = list(_runs(clauses, "clause", min_run))
        for clause in clauses:
            runs += _runs(_trim_list(clause.split("、")), "list", min_run)
        rows += [(pid, sid, label, len(units), tuple(units), kind)
                 for _, kind, label, units in runs]
    return pd.DataFrame(rows, columns=_PARALLEL_COLUMNS)
