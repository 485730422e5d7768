// Seller center: remove a variant row without a reload. Without JavaScript the row's
// "Remove" checkbox does the same on save; with it, a button takes the row out at once
// (the server retires any saved variant missing from the submitted form).
(function () {
  function enhance(root) {
    if (!root.querySelectorAll) return;
    var rows = Array.prototype.slice.call(root.querySelectorAll("[data-variant-row]"));
    if (root.matches && root.matches("[data-variant-row]")) rows.push(root);
    rows.forEach(function (row) {
      var button = row.querySelector(".js-remove-row");
      if (!button || button.dataset.ready) return;
      button.dataset.ready = "1";
      button.hidden = false;
      var fallback = row.querySelector(".js-remove-fallback");
      if (fallback) fallback.hidden = true;
      button.addEventListener("click", function () {
        var form = row.closest("form");
        row.remove();
        var add = form && form.querySelector("[name='add_variant']");
        if (add) add.focus();
      });
    });
  }
  enhance(document);
  document.body.addEventListener("htmx:load", function (event) { enhance(event.detail.elt); });
})();

// A request bigger than the server accepts (413) swaps nothing: say so next to the images.
document.body.addEventListener("htmx:responseError", function (event) {
  var panel = document.getElementById("product-images");
  if (event.detail.xhr.status !== 413 || !panel) return;
  var alert = document.createElement("div");
  alert.className = "alert alert-danger py-2";
  alert.setAttribute("role", "alert");
  alert.textContent = "Those files are too large to send at once. Upload fewer or smaller images.";
  panel.querySelector(".card-body").prepend(alert);
});
