// Shop page: "Copy" buttons next to voucher codes. Without JavaScript the buttons stay hidden and the
// code can be selected (user-select: all). No inline script anywhere (CSP). What the button says comes
// from its data- attributes, in the page's language.
(function () {
  function reveal(root) {
    root.querySelectorAll("[data-copy-code][hidden]").forEach(function (button) { button.hidden = false; });
  }
  if (window.htmx) { window.htmx.onLoad(reveal); } else { document.addEventListener("DOMContentLoaded", function () { reveal(document); }); }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy-code]");
    if (!button) return;
    var code = button.getAttribute("data-copy-code");
    var label = button.textContent;
    var done = function () {
      button.textContent = button.dataset.copied;
      setTimeout(function () { button.textContent = label; }, 2000);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(code).then(done, function () { button.textContent = button.dataset.select; });
    } else {
      var range = document.createRange();
      range.selectNodeContents(button.parentNode.querySelector("code"));
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      button.textContent = document.execCommand && document.execCommand("copy") ? button.dataset.copied : button.dataset.press;
    }
  });
})();
