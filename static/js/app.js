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

  // Menus are <details> so they open without JavaScript; with it they also close on a click
  // elsewhere or on Escape, like any menu.
  function closeMenus(except) {
    document.querySelectorAll("details[data-closes-outside][open]").forEach(function (menu) {
      if (menu !== except && !menu.contains(except)) menu.removeAttribute("open");
    });
  }
  document.addEventListener("click", function (event) {
    closeMenus(event.target.closest("details[data-closes-outside]"));
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var open = document.querySelector("details[data-closes-outside][open]");
    if (open) {
      open.removeAttribute("open");
      open.querySelector("summary").focus();
    }
  });

  // Listing filters fold away on a phone; on a wide screen they are a sidebar, so open them.
  var filters = document.querySelector("details.filters-panel");
  if (filters && window.matchMedia("(min-width: 992px)").matches) filters.setAttribute("open", "");

  // On a phone the account, seller and admin menus are a row that scrolls sideways: show the current page's link.
  document.querySelectorAll(".side-nav").forEach(function (nav) {
    var current = nav.querySelector(".active");
    if (current && nav.scrollWidth > nav.clientWidth) {
      nav.scrollLeft = current.offsetLeft - (nav.clientWidth - current.offsetWidth) / 2;
    }
  });
})();
