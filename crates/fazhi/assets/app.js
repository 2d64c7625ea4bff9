// Light enhancements only: every page works without this file.
// Disables a form's submit buttons after the first submit (double clicks), asks before
// actions marked data-confirm, prints on buttons marked data-print and goes back on links
// marked data-back. No inline script anywhere: the Content-Security-Policy forbids it.
document.addEventListener("submit", function (ev) {
  var form = ev.target;
  var ask = form.getAttribute("data-confirm");
  if (ask && !window.confirm(ask)) { ev.preventDefault(); return; }
  setTimeout(function () {
    form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
  }, 0);
});
document.addEventListener("click", function (ev) {
  var target = ev.target instanceof Element ? ev.target : null;
  if (!target) { return; }
  if (target.closest("[data-print]")) { ev.preventDefault(); window.print(); return; }
  var back = target.closest("a[data-back]");
  if (back && window.history.length > 1) { ev.preventDefault(); window.history.back(); }
});
