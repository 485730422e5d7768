// Product page gallery: a thumbnail click shows that picture in the main image.
// (Variant changes swap #main-image from the server through htmx; no inline script anywhere.)
(function () {
  document.addEventListener("click", function (event) {
    var thumb = event.target.closest("[data-gallery-src]");
    if (!thumb) return;
    var main = document.getElementById("main-image");
    if (!main) return;
    event.preventDefault();
    main.src = thumb.getAttribute("data-gallery-src");
  });
})();
