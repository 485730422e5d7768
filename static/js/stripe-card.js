// The card payment page (templates/payments/card.html, PAYMENT_PROVIDER=stripe): Stripe's Payment
// Element mounted with the PaymentIntent's client secret. "Pay" confirms it in the browser; Stripe
// then sends the shopper to return_url (our /payments/return/<id>), and its signed webhook, not this
// page, tells the server whether it was paid. Without JavaScript the page says what to do instead.
(function () {
  var form = document.getElementById("card-form");
  if (!form) {
    return;
  }
  var failure = document.getElementById("card-error");
  var button = document.getElementById("card-submit");

  function show(message) {
    failure.textContent = message;
    failure.hidden = false;
  }

  if (typeof window.Stripe !== "function") {
    show(form.dataset.unavailable);
    return;
  }
  var stripe = window.Stripe(form.dataset.publishableKey, {locale: form.dataset.locale || "auto"});
  var elements = stripe.elements({clientSecret: form.dataset.clientSecret});
  elements.create("payment").mount("#payment-element");
  button.hidden = false;
  button.disabled = false;

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    button.disabled = true;
    failure.hidden = true;
    stripe.confirmPayment({elements: elements, confirmParams: {return_url: form.dataset.returnUrl}})
      .then(function (result) {
        // Reached only when Stripe could not go on (a declined card, a field left empty): otherwise
        // the browser is already on its way to return_url.
        if (result.error) {
          show(result.error.message);
        }
        button.disabled = false;
      });
  });
})();
