// Program rules: show the fixed month/day fields only for the deadline kind that uses them.
(function () {
  "use strict";
  var kind = document.getElementById("id_maintenance_deadline_kind");
  if (!kind) { return; }
  var groups = document.querySelectorAll("[data-shown-for-kind]");
  function update() {
    groups.forEach(function (group) {
      group.hidden = group.getAttribute("data-shown-for-kind") !== kind.value;
    });
  }
  kind.addEventListener("change", update);
  update();
})();
