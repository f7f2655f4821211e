// Progressive enhancement only: every page works without this file.
document.addEventListener("htmx:configRequest", function (event) {
  var token = document.querySelector("input[name=csrfmiddlewaretoken]");
  if (token) { event.detail.headers["X-CSRFToken"] = token.value; }
});
// --- Forms never trap the user (docs/development/ui.md, «Forms») ---
// A part of a form shown by a checkbox (``data-toggle`` naming a ``<fieldset>``) is
// disabled while hidden: its fields are neither checked by the browser nor sent.
function showPart(box) {
  var block = document.getElementById(box.getAttribute("data-toggle"));
  if (!block) { return; }
  block.hidden = !box.checked;
  if (block.tagName === "FIELDSET") { block.disabled = block.hidden; }
}
document.addEventListener("change", function (event) {
  var target = event.target;
  if (target && target.matches("[data-toggle]")) { showPart(target); }
});
// Any other hidden part: just before the browser checks a form (the submit button's
// click, also the one of pressing Enter), a control it could not show and that would
// block the submit is disabled: hidden parts never block.
document.addEventListener("click", function (event) {
  var button = event.target.closest && event.target.closest("button, input[type=submit]");
  if (!button || button.type !== "submit" || !button.form) { return; }
  Array.prototype.forEach.call(button.form.elements, function (control) {
    if (control.type !== "hidden" && control.willValidate && !control.validity.valid &&
        control.closest("[hidden]")) { control.disabled = true; }
  });
}, true);
// --- end of forms ---
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
// --- List filters (core/_filters.html, decision 0036) ---
// The panel is open in the HTML (without this file it stays open); at phone width it is
// folded when no filter is active and none is wrong, so the first screen shows results.
function foldFilters(root) {
  if (!window.matchMedia || !window.matchMedia("(max-width: 600px)").matches) { return; }
  root.querySelectorAll("details.filters[data-fold]").forEach(function (panel) {
    if (panel.getAttribute("data-active") === "0" && !panel.hasAttribute("data-errors")) {
      panel.open = false;
    }
  });
}
// A form that filters by htmx does not reload: its summary recounts as the filters change.
function countFilters(panel) {
  var form = panel.closest("form"), n = parseInt(panel.getAttribute("data-base") || "0", 10);
  panel.querySelectorAll("input, select, textarea").forEach(function (c) {
    if (c.disabled || !c.name || c.form !== form) { return; }
    if (c.type === "checkbox" || c.type === "radio") { if (c.checked) { n++; } }
    else if (c.tagName === "SELECT") {
      // The first option is the "all" one («все»: "" or a yes/no select's "unknown").
      var all = c.options.length ? c.options[0].value : "";
      if (Array.prototype.some.call(c.selectedOptions, function (o) {
        return o.value !== "" && (c.multiple || o.value !== all);
      })) { n++; }
    }
    else if (c.value.trim() !== "") { n++; }
  });
  var out = panel.querySelector(".filter-count");
  if (out) { out.textContent = n ? ": " + n : ""; }
  panel.setAttribute("data-active", String(n));
  var searched = Array.prototype.some.call(form.querySelectorAll(".filter-search input, .filter-search select"),
    function (c) { return c.value.trim() !== ""; });
  var reset = form.querySelector(".filter-reset");
  if (reset) { reset.hidden = !(n || searched); }
}
["change", "input"].forEach(function (type) {
  document.addEventListener(type, function (event) {
    var form = event.target && event.target.form;
    if (!form || !(form.hasAttribute("hx-get") || form.hasAttribute("hx-post"))) { return; }
    form.querySelectorAll("details.filters[data-fold]").forEach(countFilters);
  });
});
// --- end of list filters ---
document.addEventListener("DOMContentLoaded", function () {
  labelCells(document);
  foldFilters(document);
  document.querySelectorAll("[data-toggle]").forEach(showPart);
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (e) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { e.preventDefault(); }
    });
  });
});
