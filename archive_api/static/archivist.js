"use strict";
// The page works without scripts; this only saves a click: changing a filter re-runs the search.
document.addEventListener("DOMContentLoaded", () => {
  for (const select of document.querySelectorAll("select.auto-submit")) {
    select.addEventListener("change", () => select.form.requestSubmit());
  }
});
