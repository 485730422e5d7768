// OTP pages: count the resend cooldown down and enable the "send a new code" button at zero.
(function () {
  document.querySelectorAll("[data-resend-form]").forEach(function (form) {
    var button = form.querySelector("[data-cooldown]");
    var text = form.querySelector("[data-cooldown-text]");
    var seconds = form.querySelector("[data-cooldown-seconds]");
    var left = parseInt(button && button.dataset.cooldown, 10) || 0;
    if (!button || left <= 0) return;
    var timer = window.setInterval(function () {
      left -= 1;
      if (seconds) seconds.textContent = String(Math.max(left, 0));
      if (left <= 0) {
        window.clearInterval(timer);
        button.disabled = false;
        if (text) text.hidden = true;
      }
    }, 1000);
  });
})();
