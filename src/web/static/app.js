// reform-radar review pages: keyboard shortcuts. Keys do nothing while the
// reviewer types in a field or composes with an input method (IME:
// isComposing, keyCode 229). j/k (or n) move, c confirms, r opens the
// reason picker (then 1-5 rejects with that reason, 6: other, type it),
// s skips (the candidate goes to the end of the queue, recorded), u takes
// back the decision just made, o opens, / searches, ? shows every key, Esc
// closes what is open. After a decision the page comes back with the next
// candidate marked and a banner saying what was decided and why.
(function () {
  "use strict";
  var KEY = "radar.queue.row";
  var KEYS = [
    ["j / n", "下一条（候选证据列表）"],
    ["k", "上一条（候选证据列表）"],
    ["c", "确认当前候选证据"],
    ["r", "打开驳回理由，再按 1–6 选择（6 为其他，需填写）"],
    ["1–6", "驳回理由打开时：以该理由驳回"],
    ["s", "跳过：移到队列末尾（记入操作记录）"],
    ["u", "撤销刚才的决定"],
    ["o", "打开当前候选证据的详情"],
    ["/", "全文检索"],
    ["?", "显示或关闭本帮助"],
    ["Esc", "关闭帮助或驳回理由"]
  ];
  function typing(e) {
    if (e.isComposing || e.keyCode === 229) return true;
    var t = e.target;
    if (!t || !t.tagName) return false;
    var tag = t.tagName.toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || t.isContentEditable;
  }
  function rows() { return Array.prototype.slice.call(document.querySelectorAll("tr.cand")); }
  var current = 0;
  var picking = null;
  function position() {
    var el = document.querySelector(".counts .position");
    var r = rows();
    if (el && r.length) el.textContent = "当前第 " + (current + 1) + "/" + r.length + " 条";
  }
  function mark(i) {
    var r = rows();
    if (!r.length) return;
    current = Math.max(0, Math.min(i, r.length - 1));
    r.forEach(function (row, n) { row.classList.toggle("current", n === current); });
    r[current].scrollIntoView({ block: "nearest" });
    position();
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
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }
  function overlay(id, title) {
    var o = document.getElementById(id);
    if (o) return o;
    o = el("div", "overlay");
    o.id = id;
    o.setAttribute("role", "dialog");
    o.setAttribute("aria-label", title);
    o.hidden = true;
    var box = el("div", "overlay-box");
    box.appendChild(el("h2", null, title));
    o.appendChild(box);
    o.addEventListener("click", function (e) { if (e.target === o) closeAll(); });
    document.body.appendChild(o);
    return o;
  }
  function closeAll() {
    ["help", "reason-picker"].forEach(function (id) {
      var o = document.getElementById(id);
      if (o) o.hidden = true;
    });
    picking = null;
  }
  function showHelp() {
    var o = overlay("help", "快捷键");
    var box = o.firstChild;
    if (!box.querySelector("table")) {
      var t = el("table", "keys");
      KEYS.forEach(function (k) {
        var tr = el("tr");
        var th = el("th");
        th.appendChild(el("kbd", null, k[0]));
        tr.appendChild(th);
        tr.appendChild(el("td", null, k[1]));
        t.appendChild(tr);
      });
      box.appendChild(t);
      box.appendChild(el("p", "hint", "在输入框中或输入法组字时快捷键不起作用。按 ? 或 Esc 关闭。"));
    }
    var open = o.hidden;
    closeAll();
    o.hidden = !open;
  }
  function choose(n) {
    var form = picking;
    closeAll();
    var select = form && form.querySelector("select[name=reason]");
    if (!select || n < 1 || n > select.options.length) return;
    select.selectedIndex = n - 1;
    if (select.value === "other") {
      var other = form.querySelector("input[name=other]");
      if (other && other.value.trim()) { submit(form); return; }
      if (other) { other.focus(); other.placeholder = "请填写其他理由，回车提交"; }
      return;
    }
    submit(form);
  }
  function openPicker(form) {
    var o = overlay("reason-picker", "驳回理由：按数字选择");
    var box = o.firstChild;
    var old = box.querySelector("ol");
    if (old) box.removeChild(old);
    var hint = box.querySelector("p.hint");
    if (hint) box.removeChild(hint);
    var list = el("ol", "reasons-picker");
    var select = form.querySelector("select[name=reason]");
    Array.prototype.forEach.call(select.options, function (opt, i) {
      var li = el("li");
      li.appendChild(el("kbd", null, String(i + 1)));
      li.appendChild(document.createTextNode(" " + opt.textContent.replace(/^\d+\s*/, "")));
      li.addEventListener("click", function () { picking = form; choose(i + 1); });
      list.appendChild(li);
    });
    box.appendChild(list);
    box.appendChild(el("p", "hint", "Esc 取消"));
    closeAll();
    picking = form;
    o.hidden = false;
  }
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape") { closeAll(); return; }
    if (typing(e) || e.ctrlKey || e.metaKey || e.altKey) return;
    var s = scope(), f;
    if (picking && /^[1-9]$/.test(e.key)) {
      choose(Number(e.key));
      e.preventDefault();
      return;
    }
    if (picking && e.key !== "?") closeAll();
    switch (e.key) {
      case "j": case "n": mark(current + 1); break;
      case "k": mark(current - 1); break;
      case "s":
        f = s.querySelector("form.skip");
        if (f) submit(f); else mark(current + 1);
        break;
      case "c":
        f = s.querySelector("form.confirm");
        if (f) submit(f);
        break;
      case "r":
        f = s.querySelector("form.reject");
        if (f) openPicker(f);
        break;
      case "u":
        f = document.querySelector("form.undo-last");
        if (f) submit(f);
        break;
      case "o":
        f = s.querySelector("a.open");
        if (f) window.location.href = f.href;
        break;
      case "/":
        window.location.href = "/search";
        break;
      case "?":
        showHelp();
        break;
      default: return;
    }
    e.preventDefault();
  });
  document.addEventListener("submit", function () { remember(); }, true);
  document.addEventListener("click", function (e) {
    var a = e.target && e.target.closest ? e.target.closest("a.back") : null;
    if (a && window.history.length > 1) { e.preventDefault(); window.history.back(); }
  });
  function newCount() {
    var badge = document.querySelector("nav .nav-new");
    if (!badge || !window.fetch) return;
    window.fetch("/api/queue/new", { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (v) {
        if (v && v["new"] > 0) { badge.textContent = "新 " + v["new"]; badge.hidden = false; }
      })
      .catch(function () { /* the count is a hint */ });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var start = 0;
    try {
      start = Number(window.sessionStorage.getItem(KEY) || 0);
      window.sessionStorage.removeItem(KEY);
    } catch (err) { start = 0; }
    mark(start);
    newCount();
  });
})();
