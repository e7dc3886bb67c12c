// The week grid: pick a brush, then press and drag with a mouse, a pen or a finger. The hidden field holds
// 168 characters (Monday 00:00 first): "." not available, "a" available, "u" rather not.
(function () {
  var grid = document.getElementById("week-grid");
  var field = document.getElementById("grid-value");
  if (!grid || !field) { return; }
  var value = field.value.length === 168 ? field.value.split("") : new Array(169).join(".").split("");
  var cells = grid.querySelectorAll(".wg-cell");
  var painting = false;
  function index(cell) { return Number(cell.dataset.day) * 24 + Number(cell.dataset.hour); }
  function paintCell(cell, mark) {
    cell.classList.remove("a", "u");
    if (mark !== ".") { cell.classList.add(mark); }
  }
  function brush() {
    var chosen = document.querySelector('input[name="brush"]:checked');
    return chosen ? chosen.value : "a";
  }
  function paint(cell) {
    if (!cell || !cell.classList.contains("wg-cell")) { return; }
    var mark = brush();
    value[index(cell)] = mark;
    paintCell(cell, mark);
    field.value = value.join("");
  }
  cells.forEach(function (cell) { paintCell(cell, value[index(cell)]); });
  grid.addEventListener("pointerdown", function (event) {
    painting = true;
    grid.setPointerCapture(event.pointerId);
    paint(event.target);
    event.preventDefault();
  });
  grid.addEventListener("pointermove", function (event) {
    if (!painting) { return; }
    paint(document.elementFromPoint(event.clientX, event.clientY));
  });
  ["pointerup", "pointercancel"].forEach(function (name) {
    grid.addEventListener(name, function () { painting = false; });
  });
})();
