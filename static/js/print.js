// A button with data-print prints the page (the certificate's print stylesheet: A4, no navigation).
document.addEventListener("click", function (event) {
  if (event.target.closest && event.target.closest("[data-print]")) {
    window.print();
  }
});
