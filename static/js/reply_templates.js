// Reply templates on a complaint's page: choosing a template fills the e-mail's subject and text
// with that template as filled for this complaint (the page's #reply-fills JSON), so that staff
// read and edit what the customer will receive. Without JavaScript, the "Use this template"
// button asks the server to do the same; with it, the button is not needed and is hidden.
(function () {
  "use strict";

  const source = document.getElementById("reply-fills");
  if (!source) return;
  const fills = JSON.parse(source.textContent);

  document.querySelectorAll("[data-fill-button]").forEach(function (button) {
    button.hidden = true;
  });

  document.addEventListener("change", function (event) {
    const select = event.target;
    if (!(select instanceof HTMLSelectElement) || !select.matches("[data-reply-template]")) return;
    const chosen = fills[select.value];
    const form = select.form;
    if (!chosen || !form) return;
    const subject = form.elements.namedItem("subject");
    const body = form.elements.namedItem("body");
    if (subject instanceof HTMLInputElement) subject.value = chosen.subject;
    if (body instanceof HTMLTextAreaElement) body.value = chosen.body;
  });
})();
