// Header search suggestions: htmx fills the listbox; this file shows/hides it and adds the
// keyboard behaviour of a combobox (arrows move, Enter opens, Escape closes).
(function () {
  var input = document.getElementById("nav-search-input");
  var list = document.getElementById("nav-search-suggestions");
  if (!input || !list) return;
  var active = -1;

  function options() { return Array.prototype.slice.call(list.querySelectorAll('[role="option"]')); }

  function setOpen(open) {
    list.classList.toggle("d-none", !open);
    input.setAttribute("aria-expanded", open ? "true" : "false");
    if (!open) { active = -1; input.removeAttribute("aria-activedescendant"); }
  }

  function highlight(index) {
    var items = options();
    items.forEach(function (item, i) {
      item.classList.toggle("active", i === index);
      item.setAttribute("aria-selected", i === index ? "true" : "false");
    });
    active = index;
    if (index >= 0 && items[index]) input.setAttribute("aria-activedescendant", items[index].id);
  }

  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target !== list) return;
    active = -1;
    setOpen(options().length > 0 && input.value.trim().length > 0);
  });

  input.addEventListener("keydown", function (event) {
    var items = options();
    if (list.classList.contains("d-none") || !items.length) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      var step = event.key === "ArrowDown" ? 1 : -1;
      highlight((active + step + items.length) % items.length);
    } else if (event.key === "Enter" && active >= 0) {
      event.preventDefault();
      var link = items[active].querySelector("a");
      if (link) window.location.href = link.href;
    } else if (event.key === "Escape") {
      setOpen(false);
    }
  });

  input.addEventListener("input", function () { if (!input.value.trim()) setOpen(false); });
  document.addEventListener("click", function (event) {
    if (!list.contains(event.target) && event.target !== input) setOpen(false);
  });
})();
