// Seller center product form. Everything works without this file; with it, the refused form and
// the remade variant grid (swapped by htmx) take the keyboard focus where the seller reads next.
(function () {
  function focusSummary(root) {
    var summary = (root || document).querySelector("[data-error-summary]");
    if (summary) summary.focus();
    return !!summary;
  }

  // A link of the error summary puts the cursor in its field, not just the field in view.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-error-summary] a[href^='#']");
    if (!link) return;
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (!field) return;
    event.preventDefault();
    field.focus();
    field.scrollIntoView({ block: "center" });
  });

  // htmx settles each swapped-in element: the refused form (its summary), or the remade grid.
  document.body.addEventListener("htmx:afterSettle", function (event) {
    var swapped = event.target;
    if (swapped.id === "product-form") {
      focusSummary(swapped);
    } else if (swapped.id === "variant-grid") {
      var next = swapped.querySelector("[aria-invalid='true']") || document.getElementById("variant-grid-caption");
      if (next) next.focus();
    }
  });

  focusSummary(document);
})();

// A request bigger than the server accepts (413) swaps nothing: say so next to the images.
document.body.addEventListener("htmx:responseError", function (event) {
  var panel = document.getElementById("product-images") || document.getElementById("product-form");
  if (event.detail.xhr.status !== 413 || !panel) return;
  var alert = document.createElement("div");
  alert.className = "alert alert-danger py-2";
  alert.setAttribute("role", "alert");
  var said = document.querySelector("[data-too-large]");  // the sentence, in the page's language
  alert.textContent = said ? said.dataset.tooLarge : "Those files are too large to send at once.";
  (panel.querySelector(".card-body") || panel).prepend(alert);
});
