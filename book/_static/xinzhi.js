/* 新质生产力研读.  Opened from a folder (file://), a browser refuses the fetches that
   Sphinx's search makes to show a snippet of each result; the results themselves come
   from searchindex.js and work.  So leave the snippets out there instead of failing. */
if (window.location.protocol === "file:" && typeof DOCUMENTATION_OPTIONS !== "undefined") {
  DOCUMENTATION_OPTIONS.SHOW_SEARCH_SUMMARY = false;
}
