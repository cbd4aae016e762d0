/* 新质生产力研读: practice in the page.  Answer boxes (checked by xinzhi-check.js),
   notes, each chapter's tally, and the page 我的进度 with export, import and reset.
   Everything is kept in this browser's localStorage under one key; nothing leaves the
   page.  The export format is documented in xinzhi.practice (format xinzhi-answers). */
(function () {
  "use strict";
  const DATA = window.XINZHI_PRACTICE || {};
  const STORE = "xinzhi-practice";
  const FORMAT = "xinzhi-answers";
  const STATES = { right: "答对", wrong: "还不对", blank: "未作答", none: "未作答", notes: "有笔记", "no-notes": "无笔记" };
  const checker = window.XinzhiCheck && DATA.rules ? window.XinzhiCheck.Checker(DATA.rules) : null;

  // --- the record: {answers: {id: {answer, verdict, checked}}, notes: {id: {text, saved}}} --
  let memoryOnly = false;
  function load() {
    try {
      const record = JSON.parse(window.localStorage.getItem(STORE) || "{}");
      return { answers: record.answers || {}, notes: record.notes || {} };
    } catch (e) {
      memoryOnly = true;
      return { answers: {}, notes: {} };
    }
  }
  let record = load();
  function save() {
    try {
      window.localStorage.setItem(STORE, JSON.stringify(record));
    } catch (e) {
      memoryOnly = true;
    }
  }
  window.addEventListener("storage", (event) => {
    if (event.key === STORE) {
      record = load();
      refresh();
    }
  });
  const now = () => new Date().toISOString();

  // --- answer boxes ---------------------------------------------------------------------
  function readAnswer(form) {
    const kind = form.dataset.kind;
    if (kind === "choice") {
      const picked = form.querySelector("input[type=radio]:checked");
      return picked ? picked.value : "";
    }
    if (kind === "mapping") {
      const answer = {};
      form.querySelectorAll("input[data-key]").forEach((input) => {
        answer[input.dataset.key] = input.value.trim() === "" ? null : input.value;
      });
      return answer;
    }
    return form.querySelector("input[type=text], textarea").value;
  }
  function writeAnswer(form, answer) {
    const kind = form.dataset.kind;
    if (kind === "choice") {
      form.querySelectorAll("input[type=radio]").forEach((r) => (r.checked = r.value === answer));
    } else if (kind === "mapping") {
      form.querySelectorAll("input[data-key]").forEach((input) => (input.value = (answer && answer[input.dataset.key]) || ""));
    } else {
      form.querySelector("input[type=text], textarea").value = typeof answer === "string" ? answer : "";
    }
  }
  function showVerdict(form, verdict) {
    const box = form.querySelector(".xinzhi-verdict");
    box.className = "xinzhi-verdict xinzhi-verdict-" + verdict.kind;
    box.replaceChildren(...verdict.lines.map((line) => Object.assign(document.createElement("p"), { textContent: line })));
  }
  function setUpPractice(form) {
    const id = form.dataset.exercise;
    const key = DATA.keys && DATA.keys[id];
    if (!checker || !key) return;
    const saved = record.answers[id];
    if (saved) {
      writeAnswer(form, saved.answer);
      showVerdict(form, checker.check(key, saved.answer));
    }
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const answer = readAnswer(form);
      const verdict = checker.check(key, answer);
      showVerdict(form, verdict);
      if (verdict.kind === "blank") delete record.answers[id];
      else record.answers[id] = { answer: answer, verdict: verdict.kind, checked: now() };
      save();
      refresh();
    });
    form.hidden = false;
  }

  // --- notes ----------------------------------------------------------------------------
  function setUpNotes(form) {
    const id = form.dataset.exercise;
    const area = form.querySelector("textarea");
    const status = form.querySelector(".xinzhi-notes-status");
    if (record.notes[id]) area.value = record.notes[id].text;
    let timer = null;
    const store = () => {
      clearTimeout(timer);
      if (area.value.trim() === "") delete record.notes[id];
      else record.notes[id] = { text: area.value, saved: now() };
      save();
      status.textContent = memoryOnly ? "这个浏览器不允许本地存储：离开前请到“我的进度”导出。" : "已保存在本浏览器中。";
      refresh();
    };
    area.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(store, 600);
    });
    area.addEventListener("blur", store);
    form.addEventListener("submit", (event) => event.preventDefault());
    form.hidden = false;
  }

  // --- tallies ----------------------------------------------------------------------------
  const ids = (text) => (text || "").split(/\s+/).filter(Boolean);
  function tally(checkIds, noteIds) {
    const done = checkIds.filter((id) => record.answers[id]).length;
    const right = checkIds.filter((id) => record.answers[id] && record.answers[id].verdict === "right").length;
    const notes = noteIds.filter((id) => record.notes[id]).length;
    return { done, right, notes };
  }
  function chapterLine(box) {
    const checkIds = ids(box.dataset.exercises), noteIds = ids(box.dataset.notes);
    const t = tally(checkIds, noteIds);
    let line = `本章练习：自动检查 ${checkIds.length} 道，已作答 ${t.done} 道，答对 ${t.right} 道`;
    if (noteIds.length) line += `；讨论题 ${noteIds.length} 道，写了笔记 ${t.notes} 道`;
    return line + "。";
  }
  function stateOf(row) {
    const id = row.dataset.exercise;
    if (row.dataset.kind === "notes") return record.notes[id] ? "notes" : "no-notes";
    return record.answers[id] ? record.answers[id].verdict : "none";
  }
  function refresh() {
    document.querySelectorAll(".xinzhi-chapter-progress").forEach((box) => {
      box.querySelector("[role=status]").textContent = chapterLine(box);
    });
    const table = document.querySelector(".xinzhi-progress-table");
    if (!table) return;
    const rows = Array.from(table.querySelectorAll("tbody tr[data-exercise]"));
    rows.forEach((row) => {
      const state = stateOf(row);
      const cell = row.querySelector(".xinzhi-state");
      cell.textContent = STATES[state];
      cell.dataset.state = state;
    });
    const checkRows = rows.filter((r) => r.dataset.kind === "check").map((r) => r.dataset.exercise);
    const noteRows = rows.filter((r) => r.dataset.kind === "notes").map((r) => r.dataset.exercise);
    const t = tally(checkRows, noteRows);
    document.querySelector(".xinzhi-progress-summary").textContent =
      `全书自动检查的练习 ${checkRows.length} 道：已作答 ${t.done} 道，答对 ${t.right} 道；` +
      `讨论题 ${noteRows.length} 道，写了笔记 ${t.notes} 道。` +
      (memoryOnly ? "这个浏览器不允许本地存储，记录只保留到关闭页面：离开前请导出。" : "");
  }

  // --- export, import, reset (on 我的进度) ---------------------------------------------------
  function rowsById() {
    const map = {};
    document.querySelectorAll(".xinzhi-progress-table tr[data-exercise]").forEach((row) => {
      map[row.dataset.exercise] = { chapter: row.dataset.chapter, title: row.cells[1].textContent };
    });
    return map;
  }
  const order = (a, b) => {
    const [x, y] = [a.split("."), b.split(".")];
    return Number(x[0]) - Number(y[0]) || Number(x[1]) - Number(y[1]);
  };
  function markdown(stamp) {
    const info = rowsById();
    const lines = [`# 我的练习：${DATA.book || "新质生产力研读"}`, "", `导出时间：${stamp}（UTC）；本书版本：${DATA.version}。`, ""];
    const all = Array.from(new Set([...Object.keys(record.answers), ...Object.keys(record.notes)])).sort(order);
    for (const id of all) {
      const title = info[id] ? info[id].title : "";
      lines.push(`## 练习 ${id}　${title}`.trimEnd(), "");
      const a = record.answers[id];
      if (a) {
        const shown = typeof a.answer === "string" ? a.answer : Object.entries(a.answer).map(([k, v]) => `${k}：${v === null ? "" : v}`).join("；");
        lines.push(`- 答案：${shown.replace(/\n/g, " ")}`, `- 判定：${STATES[a.verdict]}（${a.checked}）`, "");
      }
      const n = record.notes[id];
      if (n) lines.push(`笔记（${n.saved}）：`, "", n.text, "");
    }
    if (!all.length) lines.push("（还没有答案或笔记。）", "");
    return lines.join("\n");
  }
  function download(name, type, text) {
    const url = URL.createObjectURL(new Blob([text], { type: type }));
    const link = Object.assign(document.createElement("a"), { href: url, download: name });
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }
  function exportRecord(format, message) {
    const stamp = now();
    const base = "xinzhi-answers-" + stamp.slice(0, 16).replace(/[-:]/g, "").replace("T", "-");
    if (format === "markdown") {
      download(base + ".md", "text/markdown;charset=utf-8", markdown(stamp));
    } else {
      const data = {
        format: FORMAT, version: 1, book: DATA.book, book_version: DATA.version, exported: stamp,
        answers: record.answers, notes: record.notes, markdown: markdown(stamp),
      };
      download(base + ".json", "application/json;charset=utf-8", JSON.stringify(data, null, 2));
    }
    message.textContent = "已导出：答案 " + Object.keys(record.answers).length + " 条，笔记 " + Object.keys(record.notes).length + " 条。";
  }
  const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
  function problemOf(data) {
    if (!isObject(data) || data.format !== FORMAT) return "这不是本书导出的答案文件";
    if (data.version !== 1) return "文件的格式版本（" + data.version + "）与本书不符";
    if (!isObject(data.answers) || !isObject(data.notes)) return "文件缺少答案或笔记部分";
    for (const [id, a] of Object.entries(data.answers)) {
      if (!isObject(a)) return "练习 " + id + " 的记录不完整";
      const okAnswer = typeof a.answer === "string" || (isObject(a.answer) && Object.values(a.answer).every((v) => v === null || typeof v === "string"));
      if (!okAnswer || !["right", "wrong", "blank"].includes(a.verdict) || typeof a.checked !== "string") return "练习 " + id + " 的记录不完整";
    }
    for (const [id, n] of Object.entries(data.notes))
      if (!isObject(n) || typeof n.text !== "string" || typeof n.saved !== "string") return "练习 " + id + " 的笔记不完整";
    return null;
  }
  function importText(text, message) {
    let data;
    try {
      data = JSON.parse(text);
    } catch (e) {
      message.textContent = "导入失败：文件不是 JSON。请选择“导出答案与笔记（JSON）”下载的文件。原有记录没有改变。";
      return;
    }
    const problem = problemOf(data);
    if (problem) {
      message.textContent = "导入失败：" + problem + "。请选择“导出答案与笔记（JSON）”下载的文件。原有记录没有改变。";
      return;
    }
    let answers = 0, notes = 0;
    for (const [id, a] of Object.entries(data.answers)) {
      const mine = record.answers[id];
      if (!mine || mine.checked < a.checked) (record.answers[id] = a), answers++;
    }
    for (const [id, n] of Object.entries(data.notes)) {
      const mine = record.notes[id];
      if (!mine || mine.saved < n.saved) (record.notes[id] = n), notes++;
    }
    save();
    refresh();
    message.textContent = `已导入：答案 ${answers} 条，笔记 ${notes} 条（较旧的记录未覆盖较新的）。`;
  }
  function setUpProgress(box) {
    const message = box.querySelector(".xinzhi-progress-message");
    box.querySelectorAll(".xinzhi-export").forEach((button) =>
      button.addEventListener("click", () => exportRecord(button.dataset.format, message))
    );
    const file = box.querySelector(".xinzhi-import-file");
    file.addEventListener("change", () => {
      const chosen = file.files && file.files[0];
      if (!chosen) return;
      chosen.text().then((text) => importText(text, message), () => (message.textContent = "导入失败：无法读取这个文件。原有记录没有改变。"));
      file.value = "";
    });
    box.querySelector(".xinzhi-reset").addEventListener("click", () => {
      if (!window.confirm("清除这个浏览器里本书的全部答案和笔记？此操作不能撤销。")) return;
      record = { answers: {}, notes: {} };
      save();
      document.querySelectorAll("form.xinzhi-practice, form.xinzhi-notes").forEach((f) => f.reset());
      refresh();
      message.textContent = "已清除全部答案和笔记。";
    });
    box.hidden = false;
  }

  function start() {
    document.querySelectorAll("form.xinzhi-practice").forEach(setUpPractice);
    document.querySelectorAll("form.xinzhi-notes").forEach(setUpNotes);
    document.querySelectorAll(".xinzhi-chapter-progress").forEach((box) => (box.hidden = false));
    document.querySelectorAll(".xinzhi-progress").forEach(setUpProgress);
    refresh();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
