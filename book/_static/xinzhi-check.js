/* 新质生产力研读: the in-page checker.  A line-for-line port of xinzhi.answers (the
   normalisation rules, Rules 1–7) and of xinzhi.exercises' graders for text answers.
   The constants and every message come from Python (xinzhi.practice.page_rules), so
   the words are written once; tests/test_practice.py runs both checkers on every key's
   examples and on thousands of generated answers in Chromium and fails on a difference.
   An answer is a string, or for a mapping an object {key: string or null (blank)}. */
(function (root) {
  "use strict";

  function compile(rules) {
    const esc = (s) => s.replace(/[\\\]\[\-^]/g, "\\$&");
    const WS = "[" + rules.whitespace + "]";
    const re = {
      ws: new RegExp(WS + "+", "gu"),
      wsOne: new RegExp("^" + WS + "$", "u"),
      spaceNearWide: /\u0020?([^\x00-\x7f])\u0020?/gu,
      quote: new RegExp("[" + esc(rules.quotes) + "]", "gu"),
      connector: new RegExp(rules.connectors.join("|"), "gu"),
      listConnector: new RegExp(rules.connectors.filter((c) => c !== "、").join("|"), "u"),
      separator: new RegExp("[" + esc(rules.separators) + "]+", "u"),
      quoteBoundary: new RegExp("([”」』’])" + WS + "*([“「『‘])", "gu"),
      decimal: /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/u,
      integer: /^[0-9]+$/u,
      groupComma: /(?<=[0-9]),(?=[0-9]{3}(?![0-9]))/gu,
      pid: /^[pP]?([0-9]{1,6})[.。\-]([0-9]{1,6})$/u,
      pidInText: /(?<![0-9])([0-9]{1,6}) *[.。] *([0-9]{1,6})(?![0-9])/gu,
      letter: /^[A-Z]$/u,
      letters: /^[A-Z]{2,}$/u,
      chineseTens: /^([一二三四五六七八九]?)十([一二三四五六七八九]?)$/u,
      spellingPid: /^[0-9]{1,6}\.[0-9]{1,6}$/u,
    };
    return re;
  }

  const DIGITS = { "〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9 };
  const CAT = { P: /^\p{P}$/u, Cf: /^\p{Cf}$/u, Ps: /^\p{Ps}$/u, Pi: /^\p{Pi}$/u, Pe: /^\p{Pe}$/u, Pf: /^\p{Pf}$/u };
  const chars = (s) => Array.from(s);
  const nfkc = (s) => s.normalize("NFKC");

  function Checker(rules) {
    const re = compile(rules);
    const M = rules.messages;
    const fill = (name, values) => M[name].replace(/\{(\w+)\}/g, (_, k) => String(values[k]));

    // --- xinzhi.answers ------------------------------------------------------------
    const isWs = (ch) => re.wsOne.test(ch);
    const isPunct = (ch) => CAT.P.test(ch);
    function strip(text) {
      const c = chars(text);
      let start = 0, end = c.length;
      while (start < end && (isPunct(c[start]) || isWs(c[start]))) start++;
      while (end > start && (isPunct(c[end - 1]) || isWs(c[end - 1]))) end--;
      return c.slice(start, end).join("");
    }
    const lowerAscii = (text) => text.replace(/[A-Z]+/g, (m) => m.toLowerCase());
    const dropFormat = (text) => chars(text).filter((ch) => !CAT.Cf.test(ch)).join("");

    function isBlankText(text) {
      return dropFormat(nfkc(text)).replace(re.ws, "") === "";
    }
    function clean(text) {
      text = nfkc(dropFormat(text)).replace(re.ws, " ");
      text = strip(text);
      return lowerAscii(text.replace(re.spaceNearWide, "$1"));
    }
    function textForm(text) {
      text = nfkc(text).replace(re.quote, "");
      return clean(text).replace(re.connector, "与");
    }
    function frameRun(text, frames) {
      const reach = new Array(text.length + 1).fill(false);
      reach[0] = true;
      for (let i = 0; i < text.length; i++) {
        if (!reach[i]) continue;
        for (const phrase of frames) if (text.startsWith(phrase, i)) reach[i + phrase.length] = true;
      }
      return reach[text.length];
    }
    function isFramed(form, accepted, frames) {
      frames = frames.filter((f) => f);
      if (!frames.length || chars(form).length > rules.max_framed) return false;
      for (const candidate of accepted) {
        if (!candidate) continue;
        let start = form.indexOf(candidate);
        while (start !== -1) {
          if (frameRun(form.slice(0, start), frames) && frameRun(form.slice(start + candidate.length), frames)) return true;
          start = form.indexOf(candidate, start + 1);
        }
      }
      return false;
    }
    function chineseInteger(text) {
      if (text === "两") return 2;
      const c = chars(text);
      if (c.length === 1 && text in DIGITS) return DIGITS[text];
      const m = re.chineseTens.exec(text);
      if (m) return (m[1] ? DIGITS[m[1]] : 1) * 10 + (m[2] ? DIGITS[m[2]] : 0);
      if (c.length >= 3 && c.every((ch) => ch in DIGITS)) return Number(c.map((ch) => DIGITS[ch]).join(""));
      return null;
    }
    function readNumber(text, units) {
      let c = chars(nfkc(text).replace(re.ws, "").replace(/−/g, "-"));
      let start = 0, end = c.length;
      while (start < end && (CAT.Ps.test(c[start]) || CAT.Pi.test(c[start]))) start++;
      while (end > start && (CAT.Pe.test(c[end - 1]) || CAT.Pf.test(c[end - 1]) || c[end - 1] === "。")) end--;
      text = c.slice(start, end).join("").replace(re.groupComma, "");
      const names = (units || []).map((u) => nfkc(u).replace(re.ws, ""));
      names.sort((a, b) => chars(b).length - chars(a).length);
      for (const unit of names) {
        if (unit && text.endsWith(unit)) {
          text = text.slice(0, text.length - unit.length);
          break;
        }
      }
      const ordinal = text.startsWith("第");
      if (ordinal) text = text.slice(1);
      if (re.integer.test(text) || (!ordinal && re.decimal.test(text))) return Number(text);
      const value = chineseInteger(text);
      return value === null ? null : value;
    }
    const formatPid = (a, b) => parseInt(a, 10) + "." + parseInt(b, 10);
    function readPid(text) {
      if (chars(text).length > 100) return null;
      text = strip(nfkc(text).replace(re.ws, ""));
      const m = re.pid.exec(text);
      return m ? formatPid(m[1], m[2]) : null;
    }
    function findPids(text) {
      text = nfkc(text).replace(re.ws, " ");
      return Array.from(text.matchAll(re.pidInText), (m) => formatPid(m[1], m[2]));
    }
    function readLetter(text) {
      const letter = strip(nfkc(text).replace(re.ws, " ")).toUpperCase();
      return re.letter.test(letter) ? letter : null;
    }
    function splitList(text) {
      text = nfkc(text).replace(re.quoteBoundary, "$1、$2");
      const pattern = re.separator.test(text) ? re.separator : new RegExp(re.ws.source, "u");
      return text.split(pattern).filter((piece) => clean(piece));
    }
    const splitConnectors = (piece) => piece.split(re.listConnector).filter((part) => clean(part));
    function splitLetters(piece) {
      const letters = clean(piece).replace(/ /g, "").toUpperCase();
      return re.letters.test(letters) ? chars(letters) : null;
    }
    const isIntegerId = (s) => re.integer.test(s);
    const isPid = (s) => re.spellingPid.test(s);

    // --- xinzhi.exercises, for text answers ------------------------------------------
    const asStr = (value) => (typeof value === "string" ? chars(value).slice(0, rules.max_chars).join("") : null);
    function readItem(value, units) {
      const text = asStr(value);
      if (text === null) return null;
      return { form: textForm(text), number: readNumber(text, units), pid: readPid(text) };
    }
    const options = (key) => key.answer.map((item) => (Array.isArray(item) ? item : [item]));
    function spellingMatches(spelling, item) {
      if (item.form === textForm(spelling)) return true;
      if (isIntegerId(spelling) && item.number !== null && item.number === Number(spelling)) return true;
      return isPid(spelling) && item.pid !== null && item.pid === readPid(spelling);
    }
    function matches(key, spellings, item) {
      const words = spellings.filter((s) => typeof s === "string");
      if (words.some((s) => spellingMatches(s, item))) return true;
      const frames = key.frame;
      return Boolean(frames && frames.length) && isFramed(item.form, words.map(textForm), frames.map(textForm));
    }
    function items(text, key) {
      const pieces = [];
      const letters = options(key).every((spellings) => spellings.every((s) => typeof s === "string" && re.letter.test(s)));
      for (const piece of splitList(text)) {
        const run = letters ? splitLetters(piece) : null;
        if (run) {
          pieces.push(...run);
          continue;
        }
        const parts = splitConnectors(piece);
        if (parts.length > 1) {
          const item = readItem(piece, key.units || []);
          if (item === null || !options(key).some((opts) => matches(key, opts, item))) {
            pieces.push(...parts);
            continue;
          }
        }
        pieces.push(piece);
      }
      return pieces;
    }
    function countPhrase(missing, extra) {
      const parts = [];
      if (missing) parts.push(fill("missing_items", { n: missing }));
      if (extra) parts.push(fill("extra_items", { n: extra }));
      return parts;
    }
    const tolerance = (key, target) => Math.max(key.tolerance, (key.rel_tolerance || 0) * Math.abs(target));
    function numberMatches(key, target, value) {
      const number = typeof value === "string" ? readNumber(asStr(value), key.units || []) : null;
      if (number === null) return [false, [M.not_a_number]];
      if (Math.abs(number - target) <= tolerance(key, target)) return [true, []];
      return [false, [number > target ? M.too_big : M.too_small]];
    }
    const given = (key, answer) => items(asStr(answer), key).map((piece) => readItem(piece, key.units || []));

    const graders = {
      choice(key, answer) {
        const accepted = Array.isArray(key.answer) ? key.answer : [key.answer];
        const letter = readLetter(asStr(answer));
        if (letter === null) return [false, [M.one_letter]];
        if (accepted.includes(letter)) return [true, []];
        if (typeof key.options === "string" && !key.options.includes(letter))
          return [false, [fill("only_options", { options: chars(key.options).join(M.options_join) })]];
        return [false, []];
      },
      text(key, answer) {
        return [matches(key, [key.answer, ...(key.accept || [])], readItem(answer, [])), []];
      },
      number(key, answer) {
        return numberMatches(key, key.answer, answer);
      },
      set(key, answer) {
        const opts = options(key);
        const found = opts.map(() => false);
        const extra = new Set();
        for (const item of given(key, answer)) {
          if (!item.form) continue;
          const hits = [];
          opts.forEach((spellings, n) => matches(key, spellings, item) && hits.push(n));
          hits.forEach((n) => (found[n] = true));
          if (!hits.length) extra.add(item.form);
        }
        const missing = found.filter((f) => !f).length;
        return [!(missing || extra.size), countPhrase(missing, extra.size)];
      },
      sequence(key, answer) {
        const opts = options(key);
        const got = given(key, answer);
        if (got.length === opts.length) {
          const right = opts.map((spellings, i) => matches(key, spellings, got[i]));
          if (right.every(Boolean)) return [true, []];
          const unmatched = got.slice();
          let all = true;
          for (const spellings of opts) {
            const at = unmatched.findIndex((g) => matches(key, spellings, g));
            if (at === -1) {
              all = false;
              break;
            }
            unmatched.splice(at, 1);
          }
          if (all) return [false, [M.wrong_order]];
          return [false, [fill("wrong_items", { n: right.filter((r) => !r).length })]];
        }
        return [false, [fill("item_count", { n: opts.length, m: got.length })]];
      },
      pid(key, answer) {
        const pid = readPid(asStr(answer));
        if (pid === null) return [false, [M.pid_form]];
        if (pid === key.answer) return [true, []];
        return [false, pid.split(".")[0] === key.answer.split(".")[0] ? [M.right_essay] : []];
      },
      pids(key, answer) {
        const pids = findPids(asStr(answer));
        if (!pids.length) return [false, [M.no_pids]];
        const got = new Set(pids), expected = new Set(key.answer);
        const missing = [...expected].filter((p) => !got.has(p)).length;
        const extra = [...got].filter((p) => !expected.has(p)).length;
        return [!(missing || extra), countPhrase(missing, extra)];
      },
      mapping(key, answer) {
        const names = key.answer.map(([name]) => name);
        const expected = new Map(key.answer);
        const got = new Map();
        for (const [name, value] of pairs(answer)) {
          const item = readItem(name, []);
          got.set(names.find((k) => spellingMatches(k, item)) ?? item.form, value);
        }
        const missing = names.filter((k) => !got.has(k)).length;
        const extra = [...got.keys()].filter((k) => !expected.has(k)).length;
        const wrong = names.filter((k) => got.has(k) && !valueMatches(key, expected.get(k), got.get(k))).length;
        const details = [];
        if (missing) details.push(fill("missing_keys", { n: missing }));
        if (extra) details.push(fill("extra_keys", { n: extra }));
        if (wrong) details.push(fill("wrong_values", { n: wrong }));
        return [!(missing || extra || wrong), details];
      },
    };
    function valueMatches(key, target, value) {
      const opts = Array.isArray(target) ? target : [target];
      for (const option of opts) if (typeof option === "number" && numberMatches(key, option, value)[0]) return true;
      const item = typeof value === "string" ? readItem(value, key.units || []) : null;
      return item !== null && matches(key, opts, item);
    }
    // A mapping answer: an object, or [key, value] pairs (the order Python's dict keeps).
    const pairs = (answer) => (Array.isArray(answer) ? answer : Object.entries(answer));
    const hintLines = (key) => (key.hint ? [M.hint + key.hint] : []);

    function isBlank(answer) {
      if (answer === null || answer === undefined) return true;
      if (typeof answer === "string") return isBlankText(asStr(answer));
      return pairs(answer).every(([, v]) => v === null);
    }

    /** The verdict on `answer`: {ok, kind: "right"|"wrong"|"blank", lines}. */
    function check(key, answer, blankMessage) {
      if (isBlank(answer)) return { ok: false, kind: "blank", lines: [blankMessage || M.blank_page, ...hintLines(key)] };
      if ((key.kind === "mapping") !== (typeof answer === "object"))
        throw new TypeError("a " + key.kind + " answer from the page is " + (key.kind === "mapping" ? "an object" : "a string"));
      const [ok, details] = graders[key.kind](key, answer);
      if (ok) return { ok: true, kind: "right", lines: [M.right + (key.explanation || "")] };
      let detail = details.join(M.detail_join);
      if (detail) detail += M.detail_end;
      return { ok: false, kind: "wrong", lines: [M.wrong + detail, ...hintLines(key)] };
    }

    return { check };
  }

  root.XinzhiCheck = { Checker };
})(typeof window !== "undefined" ? window : globalThis);
