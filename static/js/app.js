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
// Tables stack at phone width (app.css): a cell without a ``data-label`` takes its
// column's header, so each line still says what it is.
function labelCells(root) {
  root.querySelectorAll("main table:not(.keep)").forEach(function (table) {
    var head = table.tHead && table.tHead.rows[0];
    if (!head) { return; }
    var names = [];
    Array.prototype.forEach.call(head.cells, function (cell) {
      for (var i = 0; i < (cell.colSpan || 1); i++) { names.push(cell.textContent.trim()); }
    });
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        var at = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          if (!cell.hasAttribute("data-label") && names[at] && cell.colSpan === 1) {
            cell.setAttribute("data-label", names[at]);
          }
          at += cell.colSpan || 1;
        });
      });
    });
  });
}
document.addEventListener("htmx:afterSettle", function () { labelCells(document); });
document.addEventListener("DOMContentLoaded", function () {
  labelCells(document);
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
