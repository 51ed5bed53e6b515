// reform-radar review queue: keyboard shortcuts. Keys do nothing while the
// reviewer types in a field or composes with an input method (IME:
// isComposing, keyCode 229). j/k (or n) move, s skips, c confirms, r then
// 1-5 rejects with that reason (6: other, type it), u takes back the decision
// just made, o opens, / searches. After a decision the page comes back with
// the next candidate marked and a banner saying what was decided.
(function () {
  "use strict";
  var KEY = "radar.queue.row";
  function typing(e) {
    if (e.isComposing || e.keyCode === 229) return true;
    var t = e.target;
    if (!t || !t.tagName) return false;
    var tag = t.tagName.toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || t.isContentEditable;
  }
  function rows() { return Array.prototype.slice.call(document.querySelectorAll("tr.cand")); }
  var current = 0;
  var rejecting = false;
  function mark(i) {
    var r = rows();
    if (!r.length) return;
    current = Math.max(0, Math.min(i, r.length - 1));
    r.forEach(function (row, n) { row.classList.toggle("current", n === current); });
    r[current].scrollIntoView({ block: "nearest" });
  }
  function scope() {
    var r = rows();
    return r.length ? r[current] : document;
  }
  function remember() {
    try { window.sessionStorage.setItem(KEY, String(current)); } catch (err) { /* private mode */ }
  }
  function submit(form) {
    remember();
    form.submit();
  }
  document.addEventListener("keydown", function (e) {
    if (typing(e) || e.ctrlKey || e.metaKey || e.altKey) return;
    var s = scope(), el;
    if (rejecting && /^[1-6]$/.test(e.key)) {
      rejecting = false;
      var form = s.querySelector("form.reject");
      var select = form && form.querySelector("select");
      if (!select) return;
      select.selectedIndex = Number(e.key) - 1;
      if (e.key === "6") {
        var other = form.querySelector("input[name=other]");
        if (other) other.focus();
      } else {
        submit(form);
      }
      e.preventDefault();
      return;
    }
    rejecting = false;
    switch (e.key) {
      case "j": case "n": case "s": mark(current + 1); break;
      case "k": mark(current - 1); break;
      case "c":
        el = s.querySelector("form.confirm");
        if (el) submit(el);
        break;
      case "r":
        rejecting = !!s.querySelector("form.reject");
        break;
      case "u":
        el = document.querySelector("form.undo-last");
        if (el) submit(el);
        break;
      case "o":
        el = s.querySelector("a.open");
        if (el) window.location.href = el.href;
        break;
      case "/":
        window.location.href = "/search";
        break;
      default: return;
    }
    e.preventDefault();
  });
  document.addEventListener("submit", function () { remember(); }, true);
  document.addEventListener("DOMContentLoaded", function () {
    var start = 0;
    try {
      start = Number(window.sessionStorage.getItem(KEY) || 0);
      window.sessionStorage.removeItem(KEY);
    } catch (err) { start = 0; }
    mark(start);
  });
})();
