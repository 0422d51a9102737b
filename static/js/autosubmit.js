// Selects with data-autosubmit submit their form when the choice changes (e.g. the
// language switch); without JavaScript the form's <noscript> button does the same.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (!field.form || !field.hasAttribute || !field.hasAttribute("data-autosubmit")) return;
    field.form.submit();
  });
})();
