// Keyboard shortcuts for the steward workbench: a accept, r reject, s skip; j/k move in the queue.
(function () {
  "use strict";
  function typing(event) {
    var t = event.target;
    return t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable);
  }
  function press(root, key) {
    var el = root.querySelector('[data-key="' + key + '"]');
    if (el) { el.click(); return true; }
    return false;
  }
  function queueRows() { return Array.prototype.slice.call(document.querySelectorAll("tr.row[data-candidate]")); }
  function selected() { return document.querySelector("tr.row.selected"); }
  function select(row) {
    var old = selected();
    if (old) { old.classList.remove("selected"); }
    if (row) { row.classList.add("selected"); row.scrollIntoView({ block: "nearest" }); }
  }
  function move(step) {
    var rows = queueRows();
    if (!rows.length) { return; }
    var i = rows.indexOf(selected());
    select(rows[Math.max(0, Math.min(rows.length - 1, i + step))]);
  }
  document.addEventListener("DOMContentLoaded", function () {
    if (document.body.dataset.page === "queue") { select(queueRows()[0]); }
  });
  document.addEventListener("keydown", function (event) {
    if (typing(event) || event.ctrlKey || event.metaKey || event.altKey) { return; }
    var page = document.body.dataset.page;
    var key = event.key;
    if (page === "compare" && (key === "a" || key === "r" || key === "s")) {
      if (press(document, key)) { event.preventDefault(); }
    } else if (page === "queue") {
      var row = selected();
      if (key === "j" || key === "ArrowDown") { move(1); event.preventDefault(); }
      else if (key === "k" || key === "ArrowUp") { move(-1); event.preventDefault(); }
      else if (key === "s") { move(1); event.preventDefault(); }
      else if (row && key === "Enter") { window.location.href = row.dataset.href; }
      else if (row && (key === "a" || key === "r")) { press(row, key); event.preventDefault(); }
    }
  });
})();
