// Progressive enhancement only: every page works without this file.
document.addEventListener("htmx:configRequest", function (event) {
  var token = document.querySelector("input[name=csrfmiddlewaretoken]");
  if (token) { event.detail.headers["X-CSRFToken"] = token.value; }
});
document.addEventListener("change", function (event) {
  var target = event.target;
  if (target && target.matches("[data-toggle]")) {
    var block = document.getElementById(target.getAttribute("data-toggle"));
    if (block) { block.hidden = !target.checked; }
  }
});
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-toggle]").forEach(function (box) {
    var block = document.getElementById(box.getAttribute("data-toggle"));
    if (block) { block.hidden = !box.checked; }
  });
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (e) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { e.preventDefault(); }
    });
  });
});
