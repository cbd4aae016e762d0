/* 新质生产力研读: snippets for the search results without fetching whole pages (see
   book/_ext/xinzhi_search.py).  Sphinx's own fetching is switched off with its
   SHOW_SEARCH_SUMMARY option; each result gets its snippet from the script that holds
   its page's text (a few pages to a script), loaded once with a script element (which also works
   when the book is opened from a folder). */
(function () {
  "use strict";
  if (typeof DOCUMENTATION_OPTIONS === "undefined") return;
  DOCUMENTATION_OPTIONS.SHOW_SEARCH_SUMMARY = false;
  const FILES = window.XINZHI_SEARCH_FILES || {};
  const SUFFIX = DOCUMENTATION_OPTIONS.LINK_SUFFIX || ".html";
  const texts = {};
  const waiting = {};

  window.XINZHI_SEARCH_TEXT = function (doc, text, anchors) {
    texts[doc] = { text: text, anchors: anchors };
    (waiting[doc] || []).forEach((done) => done());
    delete waiting[doc];
  };
  const requested = {};
  function withText(doc, done) {
    if (texts[doc]) return done();
    const shard = FILES[doc];
    if (!shard) return;
    (waiting[doc] = waiting[doc] || []).push(done);
    if (requested[shard]) return;
    requested[shard] = true;
    const script = document.createElement("script");
    script.src = (document.documentElement.dataset.content_root || "") + "_static/xinzhi-search/" + shard;
    script.async = true;
    document.head.appendChild(script);
  }

  const terms = (new URLSearchParams(window.location.search).get("q") || "")
    .split(/\s+/).filter((t) => t.length > 0);

  function snippet(page, anchor) {
    const text = page.text;
    const lower = text.toLowerCase();
    const from = anchor && page.anchors[anchor] !== undefined ? page.anchors[anchor] : 0;
    let at = -1;
    for (const term of terms) {
      const found = lower.indexOf(term.toLowerCase(), from);
      if (found > -1 && (at === -1 || found < at)) at = found;
    }
    const start = at === -1 ? from : Math.max(at - 60, from);
    const p = document.createElement("p");
    p.className = "context";
    const body = text.substr(start, 180).trim();
    const parts = [(start > 0 ? "…" : "") + body + (start + 180 < text.length ? "…" : "")];
    // The terms highlighted as Sphinx highlights them (span.highlighted).
    let nodes = parts.map((s) => document.createTextNode(s));
    for (const term of terms) {
      const next = [];
      for (const node of nodes) {
        if (node.nodeType !== 3) { next.push(node); continue; }
        const pieces = node.data.split(term);
        pieces.forEach((piece, i) => {
          if (i > 0) next.push(Object.assign(document.createElement("span"), { className: "highlighted", textContent: term }));
          if (piece) next.push(document.createTextNode(piece));
        });
      }
      nodes = next;
    }
    p.append(...nodes);
    return p;
  }

  function addSnippet(item) {
    if (item.dataset.xinzhiSnippet) return;
    item.dataset.xinzhiSnippet = "1";
    const link = item.querySelector("a");
    if (!link) return;
    const href = link.getAttribute("href") || "";
    const hash = href.indexOf("#");
    const path = hash === -1 ? href : href.slice(0, hash);
    const anchor = hash === -1 ? "" : decodeURIComponent(href.slice(hash + 1));
    const doc = decodeURIComponent(path.endsWith(SUFFIX) ? path.slice(0, -SUFFIX.length) : path);
    withText(doc, () => item.appendChild(snippet(texts[doc], anchor)));
  }

  // The whole list at once.  Sphinx shows one result every 5 ms and then fetches and
  // parses each result's page for its snippet; on a phone that is seconds.  This replaces
  // only the display step of Search.query (the ranking stays Sphinx's own); if the
  // functions it needs are gone after an upgrade, Sphinx's own display stays, and the
  // browser test that requires data-xinzhi-search="fast" fails.
  const _ = (s) => (typeof Documentation !== "undefined" ? Documentation.gettext(s) : s);
  function render(results) {
    const list = document.createDocumentFragment();
    for (const [docName, title, anchor, descr] of results) {
      const item = document.createElement("li");
      const link = item.appendChild(document.createElement("a"));
      link.href = docName + SUFFIX + anchor;
      link.innerHTML = title;
      if (descr) item.appendChild(document.createElement("span")).innerHTML = " (" + descr + ")";
      list.appendChild(item);
    }
    Search.output.appendChild(list);
    Search.stopPulse();
    Search.title.innerText = _("Search Results");
    Search.status.innerText = results.length
      ? _("Search finished, found ${resultCount} page(s) matching the search query.").replace("${resultCount}", results.length)
      : _("Your search did not match any documents. Please make sure that all words are spelled correctly and that you've selected enough categories.");
    Search.output.querySelectorAll("li").forEach(addSnippet);
  }
  // Runs on DOMContentLoaded before Sphinx's Search.init (this script comes first).
  function fast() {
    if (typeof Search === "undefined") return;
    if (!["query", "_parseQuery", "_performSearch", "stopPulse"].every((f) => typeof Search[f] === "function")) return;
    Search.query = (query) => render(Search._performSearch(...Search._parseQuery(query)).reverse());
    document.documentElement.dataset.xinzhiSearch = "fast";
  }

  function watch() {
    const results = document.getElementById("search-results");
    if (!results) return;
    new MutationObserver(() => results.querySelectorAll("ul.search > li").forEach(addSnippet))
      .observe(results, { childList: true, subtree: true });
  }
  const start = () => (fast(), watch());
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
