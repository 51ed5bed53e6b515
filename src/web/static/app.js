// reform-radar review queue: keyboard shortcuts. Keys do nothing while the
// reviewer types in a field or composes with an input method (IME).
(function () {
  "use strict";
  function typing(e) {
    if (e.isComposing || e.keyCode === 229) return true;
    var t = e.target;
    if (!t || !t.tagName) return false;
    var tag = t.tagName.toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || t.isContentEditable;
  }
  function rows() { return Array.prototype.slice.call(document.querySelectorAll("tr.cand")); }
  var current = 0;
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
  document.addEventListener("keydown", function (e) {
    if (typing(e) || e.ctrlKey || e.metaKey || e.altKey) return;
    var s = scope(), el;
    switch (e.key) {
      case "j": mark(current + 1); break;
      case "k": mark(current - 1); break;
      case "c":
        el = s.querySelector("form.confirm");
        if (el) el.submit();
        break;
      case "r":
        el = s.querySelector("form.reject select");
        if (el) el.focus();
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
  document.addEventListener("DOMContentLoaded", function () { mark(0); });
})();
