// Listing gallery (listings/_gallery.html, issue 15). Without this file every picture is a
// link to its large version; with it: a thumbnail shows its picture as the main one, the
// main picture opens a <dialog> with the large picture, zoom (button, click, + / −),
// previous / next (buttons, ← →, swipe) and Esc to close. A static file: the CSP allows
// no inline script.
(function () {
  "use strict";

  function setup(gallery) {
    var main = gallery.querySelector("[data-gallery-open]");
    var dialog = gallery.querySelector("dialog.lightbox");
    if (!main || !dialog || typeof dialog.showModal !== "function") return;
    var mainImg = main.querySelector("img");
    var thumbs = Array.prototype.slice.call(gallery.querySelectorAll(".thumb"));
    var items = (thumbs.length ? thumbs : [main]).map(function (a) {
      return { src: a.dataset.large, width: a.dataset.width, height: a.dataset.height };
    });
    var stage = dialog.querySelector(".lightbox-stage");
    var big = stage.querySelector("img");
    var count = dialog.querySelector(".lightbox-count");
    var zoom = dialog.querySelector(".lightbox-zoom");
    var current = 0;

    function show(index) {
      current = (index + items.length) % items.length;
      var item = items[current];
      mainImg.src = item.src;
      mainImg.width = item.width;
      mainImg.height = item.height;
      main.href = item.src;
      main.dataset.index = String(current);
      thumbs.forEach(function (t, i) {
        t.classList.toggle("active", i === current);
        if (i === current) t.setAttribute("aria-current", "true");
        else t.removeAttribute("aria-current");
      });
      if (dialog.open) fill();
    }

    // Zoomed, the picture is shown at its own size (up to 1200 px) and the stage scrolls;
    // the point (fx, fy) of the picture (fractions, the centre by default) comes into view.
    // At least 1.6 × the fitted size, so that zooming a small picture still enlarges it.
    function setZoom(on, fx, fy) {
      var fitted = big.clientWidth;
      if (on && !dialog.classList.contains("zoomed")) {
        big.style.width = Math.round(Math.max(big.naturalWidth || 0, fitted * 1.6)) + "px";
      } else if (!on) {
        big.style.width = "";
      }
      dialog.classList.toggle("zoomed", on);
      zoom.setAttribute("aria-pressed", on ? "true" : "false");
      zoom.textContent = on ? zoom.dataset.zoomOut : zoom.dataset.zoomIn;
      if (!on) return;
      stage.scrollLeft = (fx === undefined ? 0.5 : fx) * big.clientWidth - stage.clientWidth / 2;
      stage.scrollTop = (fy === undefined ? 0.5 : fy) * big.clientHeight - stage.clientHeight / 2;
    }

    function fill() {
      var item = items[current];
      big.src = item.src;
      big.width = item.width;
      big.height = item.height;
      count.textContent = current + 1 + " / " + items.length;
      setZoom(false);
    }

    function open(event) {
      event.preventDefault();
      fill();
      dialog.showModal();
      stage.focus();
    }

    main.addEventListener("click", open);
    thumbs.forEach(function (t, i) {
      t.addEventListener("click", function (event) {
        event.preventDefault();
        show(i);
      });
    });
    dialog.querySelector(".lightbox-close").addEventListener("click", function () {
      dialog.close();
    });
    zoom.addEventListener("click", function () {
      setZoom(!dialog.classList.contains("zoomed"));
    });
    var prev = dialog.querySelector(".lightbox-prev");
    var next = dialog.querySelector(".lightbox-next");
    if (prev) prev.addEventListener("click", function () { show(current - 1); });
    if (next) next.addEventListener("click", function () { show(current + 1); });

    // Click on the picture: zoom in at that point, click again to zoom out.
    big.addEventListener("click", function (event) {
      var rect = big.getBoundingClientRect();
      setZoom(
        !dialog.classList.contains("zoomed"),
        (event.clientX - rect.left) / rect.width,
        (event.clientY - rect.top) / rect.height
      );
    });
    // A click on the backdrop (outside the dialog's box) closes it.
    dialog.addEventListener("click", function (event) {
      if (event.target === dialog) dialog.close();
    });
    dialog.addEventListener("keydown", function (event) {
      var zoomed = dialog.classList.contains("zoomed");
      if (zoomed && event.key.indexOf("Arrow") === 0) return; // arrows pan a zoomed picture
      if (event.key === "ArrowLeft") show(current - 1);
      else if (event.key === "ArrowRight") show(current + 1);
      else if (event.key === "+" || event.key === "=") setZoom(true);
      else if (event.key === "-" || event.key === "_") setZoom(false);
      else return;
      event.preventDefault();
    });
    // Swipe left / right on a phone, when not zoomed (zoomed, a swipe pans the picture).
    var startX = null;
    stage.addEventListener("touchstart", function (event) {
      startX = event.touches.length === 1 ? event.touches[0].clientX : null;
    }, { passive: true });
    stage.addEventListener("touchend", function (event) {
      if (startX === null || dialog.classList.contains("zoomed")) return;
      var dx = event.changedTouches[0].clientX - startX;
      if (Math.abs(dx) > 50 && items.length > 1) show(current + (dx < 0 ? 1 : -1));
      startX = null;
    });
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-gallery]"), setup);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
