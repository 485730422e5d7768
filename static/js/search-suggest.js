// Header search suggestions: htmx fills the listbox as the shopper types (debounced by the input's
// hx-trigger delay); this file shows/hides it, asks for the recent searches when the box is focused
// empty, and adds the keyboard behaviour of a combobox (arrows move, Enter opens, Escape closes).
// Every word shown comes translated from the server's fragment: nothing here is text.
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
    if (index >= 0 && items[index]) {
      input.setAttribute("aria-activedescendant", items[index].id);
      items[index].scrollIntoView({ block: "nearest" });
    }
  }

  function focusedHere() { return document.activeElement === input || list.contains(document.activeElement); }

  // The recent searches: what the suggestions answer for an empty box.
  function showRecent() {
    if (input.value.trim() || !window.htmx) return;
    window.htmx.ajax("GET", input.getAttribute("hx-get"), { source: input, target: list });
  }

  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target !== list) return;
    active = -1;
    input.removeAttribute("aria-activedescendant");
    setOpen(options().length > 0 && focusedHere());
  });

  input.addEventListener("focus", showRecent);

  input.addEventListener("keydown", function (event) {
    var items = options();
    if (event.key === "ArrowDown" && list.classList.contains("d-none") && items.length) {
      event.preventDefault();
      setOpen(true);
      highlight(0);
      return;
    }
    if (list.classList.contains("d-none") || !items.length) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      var step = event.key === "ArrowDown" ? 1 : -1;
      highlight((active + step + items.length) % items.length);
    } else if (event.key === "Enter" && active >= 0) {
      event.preventDefault();
      var control = items[active].querySelector("a, button");
      if (control) control.click();
    } else if (event.key === "Escape") {
      event.preventDefault();
      setOpen(false);
    }
  });

  document.addEventListener("click", function (event) {
    if (!list.contains(event.target) && event.target !== input) setOpen(false);
  });
})();
