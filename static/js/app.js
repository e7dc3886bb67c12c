// A form sends once: a second click while the first is on its way does nothing.
// (The server refuses repeated state changes anyway; this spares people the message.)
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.dataset.sending === "1") { event.preventDefault(); return; }
  form.dataset.sending = "1";
  window.setTimeout(function () { form.dataset.sending = ""; }, 8000);
}, true);
