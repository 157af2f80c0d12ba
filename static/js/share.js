// Sharing a survey (templates/feedback/surveys/partials/share.html), without inline handlers:
//   data-copy="ID"          a button copying the text of the field with that id
//   data-copy-status="ID"   where the button says it did (a role="status" region)
//   data-select-on-focus    a read-only text area whose text is selected when it gets focus
// The messages come from the panel's data-copied-text and data-copy-failed-text (translated).
(function () {
  "use strict";

  function say(button, fieldId, done) {
    const status = document.querySelector(`[data-copy-status="${fieldId}"]`);
    const panel = button.closest("[data-copied-text]");
    if (!status || !panel) return;
    status.textContent = done ? panel.dataset.copiedText : panel.dataset.copyFailedText;
  }

  // The clipboard API needs a secure page (https or localhost); elsewhere the selected text is
  // copied the old way, or left selected for the person to copy.
  function copy(field) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(field.value).then(
        () => true,
        () => copySelected(field)
      );
    }
    return Promise.resolve(copySelected(field));
  }

  function copySelected(field) {
    field.focus();
    field.select();
    try {
      return document.execCommand("copy");
    } catch (error) {
      return false;
    }
  }

  document.addEventListener("click", (event) => {
    const button = event.target instanceof Element && event.target.closest("[data-copy]");
    if (!button) return;
    const field = document.getElementById(button.dataset.copy);
    if (!field) return;
    copy(field).then((done) => say(button, button.dataset.copy, done));
  });

  document.addEventListener("focusin", (event) => {
    const field = event.target;
    if (field instanceof HTMLTextAreaElement && field.matches("[data-select-on-focus]")) {
      field.select();
    }
  });
})();
