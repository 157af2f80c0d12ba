// The upload page: a choice made for the whole file (the survey of survey responses) is shown
// only while the chosen importer takes it, and cleared when it is hidden; the chosen importer's
// columns (and its template link) unfold. Without JavaScript every choice shows, and the server
// refuses one the importer does not take, next to it.
//   data-for-importers="KEY ..."  a select that applies only to the importers named
//   details[data-importer="KEY"]  an importer's columns
(function () {
  "use strict";

  function sync(importer) {
    document.querySelectorAll("select[data-for-importers]").forEach(function (select) {
      const takers = select.dataset.forImporters.split(" ");
      const shown = takers.indexOf(importer.value) !== -1;
      const wrapper = select.closest(".mb-3") || select.parentElement;
      if (wrapper) wrapper.hidden = !shown;
      if (!shown) select.value = "";
    });
  }

  const importer = document.getElementById("id_importer");
  if (!importer) return;
  importer.addEventListener("change", function () {
    sync(importer);
    const columns = document.querySelector('details[data-importer="' + importer.value + '"]');
    if (columns) columns.open = true;
  });
  sync(importer);
})();
