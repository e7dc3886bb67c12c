// The run page follows the solver: best penalty, bound and time, every 1.5 s, until the run leaves "solving".
(function () {
  var box = document.getElementById("progress");
  if (!box || box.dataset.state !== "solving") { return; }
  function show(field, value) {
    var el = box.querySelector('[data-field="' + field + '"]');
    if (el && value !== null && value !== undefined) { el.textContent = value; }
  }
  function poll() {
    fetch(box.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { return window.setTimeout(poll, 3000); }
        show("penalty", data.penalty === null ? null : Math.round(data.penalty).toLocaleString());
        show("bound", data.bound === null ? null : Math.round(data.bound).toLocaleString());
        show("elapsed", data.elapsed === null ? "0" : data.elapsed.toFixed(1));
        if (data.state !== "solving") { window.location.reload(); return; }
        window.setTimeout(poll, 1500);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 1000);
})();
