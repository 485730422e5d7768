// Checkout page: Enter in a voucher field applies the voucher instead of placing the order.
(function () {
  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (event.key !== "Enter" || !input.classList || !input.classList.contains("js-voucher-input")) {
      return;
    }
    event.preventDefault();
    var section = input.closest("section");
    var apply = section && section.querySelector(".js-voucher-apply");
    if (apply) {
      apply.click();
    }
  });
})();
