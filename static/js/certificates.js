// The batch page asks the server how far the worker got, and reloads once the batch is finished.
(function () {
  var box = document.getElementById("batch");
  if (!box || box.dataset.finished === "1") { return; }
  var url = box.dataset.progressUrl;
  function field(role) { return box.querySelector('[data-role="' + role + '"]'); }
  function poll() {
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(function (progress) {
        field("state").textContent = progress.state_label;
        field("done").textContent = progress.done;
        field("total").textContent = progress.total;
        field("bar").value = progress.percent;
        if (progress.finished) { window.location.reload(); } else { window.setTimeout(poll, 1500); }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
