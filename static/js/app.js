// Site-wide behaviour. htmx does the heavy lifting; this file only handles the edges.
(function () {
  // An htmx request that needs a login (401) sends the whole page to the login form.
  document.body.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr.status;
    if (status === 401) {
      var next = encodeURIComponent(window.location.pathname + window.location.search);
      window.location.href = document.body.dataset.loginUrl + "?next=" + next;
    }
  });
})();
