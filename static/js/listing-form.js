// Listing form (listings/form.html): the demand-only fields show only for a demand listing.
// Loaded in <head> and listening on document, so a choice made while the page is still
// loading counts too; the first sync runs once the form is parsed.
(function () {
  "use strict";
  function sync(form) {
    var checked = form.querySelector("input[name=kind]:checked");
    var demand = checked && checked.value === "demand";
    form.querySelectorAll(".demand-only").forEach(function (el) { el.hidden = !demand; });
  }
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.name !== "kind" || !field.form || !field.form.classList.contains("listing-form")) {
      return;
    }
    sync(field.form);
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form.listing-form").forEach(sync);
  });
})();
