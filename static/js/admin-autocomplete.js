/* The admin's autocomplete widgets (select2) send the typed term in the body of a POST,
   never in the address (core.admin_site.PostedAutocompleteJsonView, decision 0017).
   Django's widget says GET in its data-ajax--type attribute; this script, loaded after
   select2 and before Django's autocomplete.js, says POST before the widgets start (on
   document ready, and for a formset's new row) and sends the CSRF token with the POST. */
"use strict";
(function () {
  var $ = window.django && window.django.jQuery;
  if (!$ || !$.fn.select2) {
    return;
  }
  function posted(root) {
    var widgets = root.querySelectorAll(".admin-autocomplete");
    for (var i = 0; i < widgets.length; i++) {
      widgets[i].setAttribute("data-ajax--type", "POST");
    }
  }
  $.fn.select2.defaults.set("ajax--type", "POST");
  $.ajaxSetup({
    beforeSend: function (xhr, settings) {
      if (settings.type === "POST") {
        var token = document.querySelector("input[name=csrfmiddlewaretoken]");
        if (token) {
          xhr.setRequestHeader("X-CSRFToken", token.value);
        }
      }
    }
  });
  // Both run before Django's own handlers, which were added after these.
  document.addEventListener("DOMContentLoaded", function () { posted(document); });
  document.addEventListener("formset:added", function (event) { posted(event.target); });
})();
