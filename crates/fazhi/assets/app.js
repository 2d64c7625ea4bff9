// Light enhancements only: every page works without this file.
// Disables a form's submit buttons after the first submit (double clicks), and asks before
// actions marked data-confirm.
document.addEventListener("submit", function (ev) {
  var form = ev.target;
  var ask = form.getAttribute("data-confirm");
  if (ask && !window.confirm(ask)) { ev.preventDefault(); return; }
  setTimeout(function () {
    form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
  }, 0);
});
