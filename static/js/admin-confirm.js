// The confirm step of a destructive admin action, in a dialog (marketplace/admin/confirm.py).
// Without JavaScript the action's button opens the step as a page; with it, htmx loads the same
// step into #admin-confirm-body and this file opens the dialog, closes it when the step's form
// has updated the row or panel it came from, and makes Cancel close it instead of leaving.
(function () {
  var dialog = document.getElementById("admin-confirm");
  var body = document.getElementById("admin-confirm-body");
  if (!dialog || !body || typeof dialog.showModal !== "function") {
    return;
  }
  var opener = null;

  function focusFirstField() {
    var field = body.querySelector("textarea, input:not([type=hidden]), select, button");
    if (field) {
      field.focus();
    }
  }

  document.body.addEventListener("htmx:beforeRequest", function (event) {
    if (!dialog.contains(event.target)) {
      opener = event.target;
    }
  });

  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (body.contains(event.target)) {
      if (!dialog.open) {
        dialog.showModal();
      }
      focusFirstField();
      return;
    }
    var config = event.detail.requestConfig;
    if (dialog.open && config && config.elt && dialog.contains(config.elt)) {
      // The step's form did its work outside the dialog: say so where it happened.
      var target = event.detail.target;
      var fresh = target && target.id ? document.getElementById(target.id) : null;
      dialog.close();
      var message = fresh ? fresh.querySelector("[role=status], [role=alert]") : null;
      if (message) {
        message.setAttribute("tabindex", "-1");
        message.focus();
      }
    }
  });

  body.addEventListener("click", function (event) {
    if (event.target.closest("[data-confirm-cancel]")) {
      event.preventDefault();
      dialog.close();
    }
  });

  dialog.addEventListener("close", function () {
    body.replaceChildren();
    if (opener && document.body.contains(opener)) {
      var button = opener.querySelector("button") || opener;
      button.focus();
    }
    opener = null;
  });
})();
