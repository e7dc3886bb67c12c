// The escalations list refreshes itself (every data-refresh seconds) so a supervisor on duty sees new ones.
(function () {
  const holder = document.querySelector("[data-refresh]");
  if (!holder) return;
  const seconds = Math.max(5, parseInt(holder.dataset.refresh, 10) || 30);
  setTimeout(function () { window.location.reload(); }, seconds * 1000);
})();
