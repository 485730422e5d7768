// Order actions answer 409 when the order moved on meanwhile (say the seller confirmed it
// while the buyer pressed cancel), with the panel re-rendered to show its real status.
// htmx treats 4xx as errors and drops the body; swap it for targets that opt in.
(function () {
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    if (event.detail.xhr.status === 409 && target && target.closest("[data-swap-conflict]")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
