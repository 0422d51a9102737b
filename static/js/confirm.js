// Forms with data-confirm="…" ask before they submit (the page's CSP allows no inline
// onsubmit handlers). Cancelling the dialog keeps the form from submitting.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-confirm")) return;
    if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
  });
})();
