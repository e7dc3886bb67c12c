// Keyboard shortcuts and zoom on the vetting screen (a static file: the Content-Security-Policy allows no
// inline script). The keys are listed on the page; they do nothing while the reviewer types in a field.
(function () {
  "use strict";
  var items = Array.prototype.slice.call(document.querySelectorAll("[data-evidence-item]"));
  var current = -1;

  function typing(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }

  function select(index) {
    if (!items.length) { return; }
    current = Math.max(0, Math.min(items.length - 1, index));
    items.forEach(function (item, i) { item.classList.toggle("current", i === current); });
    items[current].focus();
    items[current].scrollIntoView({block: "start"});
  }

  function currentItem() {
    if (current < 0) { select(0); }
    return items[current];
  }

  function check(value) {
    var item = currentItem();
    var radio = item && item.querySelector('input[type=radio][value="' + value + '"]');
    if (!radio) { return; }
    radio.checked = true;
    if (value === "verified") {
      radio.form.requestSubmit();
    } else {
      var note = radio.form.querySelector("textarea");
      if (note) { note.focus(); }
    }
  }

  function zoom(figure) {
    if (!figure) { return; }
    var on = figure.classList.toggle("zoomed");
    var button = figure.querySelector("[data-zoom]");
    if (button) { button.setAttribute("aria-pressed", on ? "true" : "false"); }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-zoom]");
    if (button) { zoom(button.closest("[data-preview]")); }
  });

  items.forEach(function (item, i) {
    item.addEventListener("focusin", function () { current = i; });
  });

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) { return; }
    var next = document.getElementById("next-application");
    switch (event.key) {
      case "j": select(current + 1); break;
      case "k": select(current - 1); break;
      case "v": check("verified"); break;
      case "x": check("not_acceptable"); break;
      case "z": zoom(currentItem() && currentItem().querySelector("[data-preview]")); break;
      case "n": if (next) { window.location.assign(next.href); } break;
      default: return;
    }
    event.preventDefault();
  });
}());
