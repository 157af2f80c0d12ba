// Type-ahead for the touchpoint select: typing lists matching touchpoints (all words must match
// the journey, stage or touchpoint name); choosing one selects it and its journey. Without
// JavaScript the plain select works on its own.
(function () {
  "use strict";
  const MAX_RESULTS = 8;
  document.querySelectorAll("[data-touchpoint-picker]").forEach(function (picker) {
    const search = picker.querySelector("[data-touchpoint-search]");
    const results = picker.querySelector("[data-touchpoint-results]");
    const select = picker.querySelector("[data-touchpoint-select]");
    const journey = document.querySelector("[data-journey-select]");
    const options = Array.from(select.options);
    search.classList.remove("d-none");

    function render() {
      const words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
      results.replaceChildren();
      if (!words.length) {
        results.classList.add("d-none");
        return;
      }
      const wanted = journey && journey.value;
      const matches = options.filter(function (option) {
        if (!option.value) return false;
        if (wanted && option.dataset.journey !== wanted) return false;
        const text = option.textContent.toLowerCase();
        return words.every(function (word) { return text.includes(word); });
      }).slice(0, MAX_RESULTS);
      matches.forEach(function (option) {
        const item = document.createElement("li");
        item.className = "list-group-item list-group-item-action";
        item.setAttribute("role", "option");
        item.tabIndex = 0;
        item.dataset.value = option.value;
        item.textContent = option.textContent;
        results.appendChild(item);
      });
      if (!matches.length) {
        const none = document.createElement("li");
        none.className = "list-group-item text-body-secondary";
        none.textContent = search.dataset.empty || "No touchpoint matches; leave it as \u201cDon't know\u201d.";
        results.appendChild(none);
      }
      results.classList.remove("d-none");
    }

    function choose(item) {
      if (!item || !item.dataset.value) return;
      select.value = item.dataset.value;
      const option = select.selectedOptions[0];
      if (journey && option) journey.value = option.dataset.journey;
      search.value = "";
      render();
      select.focus();
    }

    search.addEventListener("input", render);
    search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        choose(results.querySelector("[data-value]"));
      } else if (event.key === "ArrowDown") {
        event.preventDefault();
        const first = results.querySelector("[data-value]");
        if (first) first.focus();
      }
    });
    results.addEventListener("click", function (event) { choose(event.target.closest("[data-value]")); });
    results.addEventListener("keydown", function (event) {
      const item = event.target.closest("[data-value]");
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); choose(item); }
      if (event.key === "ArrowDown" && item && item.nextElementSibling) item.nextElementSibling.focus();
      if (event.key === "ArrowUp" && item) (item.previousElementSibling || search).focus();
    });
    if (journey) {
      journey.addEventListener("change", function () {
        const option = select.selectedOptions[0];
        if (option && option.value && journey.value && option.dataset.journey !== journey.value) select.value = "";
        options.forEach(function (option) {
          option.hidden = Boolean(option.value && journey.value && option.dataset.journey !== journey.value);
        });
        render();
      });
    }
  });
})();
