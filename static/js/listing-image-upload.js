// Image upload (listings/manage.html): preview the chosen file and refuse one over
// data-max-bytes before it is sent; the message comes from data-too-big (translated).
// Loaded in <head> and listening on document, so a file chosen while the page is still
// loading is checked too.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || input.type !== "file") return;
    var form = input.closest("form.image-upload");
    if (!form) return;
    var preview = form.querySelector(".preview");
    var error = form.querySelector(".client-error");
    var max = parseInt(form.dataset.maxBytes, 10);
    var file = input.files && input.files[0];
    error.hidden = true;
    preview.hidden = true;
    if (!file) return;
    if (file.size > max) {
      error.textContent = form.dataset.tooBig;
      error.hidden = false;
      input.value = "";
      return;
    }
    var reader = new FileReader();
    reader.onload = function (e) {
      preview.querySelector("img").src = e.target.result;
      preview.hidden = false;
    };
    reader.readAsDataURL(file);
  });
})();
