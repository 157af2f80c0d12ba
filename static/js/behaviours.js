// Small page behaviours declared in the templates by data- attributes, so that no page needs an
// inline handler (onclick=, onchange=...), which the Content-Security-Policy refuses to run.
// Listeners sit on the document, so content that htmx swaps in later behaves the same.
//   data-auto-submit            a filter select that submits its form when it changes
//   data-tick-all="NAME"        a checkbox that ticks or clears every checkbox named NAME
//   data-select-on-focus        a read-only field whose text is selected when it gets focus
//   data-empty-target="SELECTOR" a button that empties the element SELECTOR names
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    const field = event.target;
    if (!(field instanceof HTMLElement)) return;
    if (field.matches("[data-auto-submit]") && field.form) {
      field.form.submit();
    } else if (field.matches("input[type=checkbox][data-tick-all]")) {
      const name = field.dataset.tickAll;
      document.querySelectorAll("input[type=checkbox]").forEach(function (box) {
        if (box.name === name) box.checked = field.checked;
      });
    }
  });

  document.addEventListener("focusin", function (event) {
    const field = event.target;
    if (field instanceof HTMLInputElement && field.matches("[data-select-on-focus]")) field.select();
  });

  document.addEventListener("click", function (event) {
    const button = event.target instanceof Element && event.target.closest("[data-empty-target]");
    if (!button) return;
    const target = document.querySelector(button.dataset.emptyTarget);
    if (target) target.replaceChildren();
  });
})();
