// Litmus page editor: progressive enhancement only. While a founder types, it refreshes the
// preview of the variant being edited and the notice saying whether saving keeps the test
// phase. Without this script the "Preview" and "Check" buttons do the same on a click.
(function () {
  "use strict";
  var form = document.getElementById("editor");
  if (!form || !window.fetch || !window.FormData || !form.requestSubmit) {
    return;
  }
  var timer = null;
  var current = 0;
  form.addEventListener("focusin", function (ev) {
    var fs = ev.target.closest ? ev.target.closest("fieldset.variant") : null;
    if (fs) {
      current = Number(fs.id.slice(1)) || 0;
    }
  });
  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(update, 600);
  });

  function update() {
    var button = form.querySelector('button[name="preview_variant"][value="' + current + '"]');
    if (button) {
      form.requestSubmit(button);
    }
    var data = new FormData(form);
    data.set("action", "check");
    // form.getAttribute, not form.action: the buttons named "action" shadow that property.
    fetch(form.getAttribute("action"), {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (r) { return r.json(); }).then(show).catch(function () {});
  }

  function show(answer) {
    if (!answer || !answer.phase) {
      return;
    }
    var box = document.getElementById("phase-notice");
    document.getElementById("phase-message").textContent = answer.phase.message;
    var list = document.getElementById("phase-reasons");
    list.textContent = "";
    (answer.phase.reasons || []).forEach(function (reason) {
      var li = document.createElement("li");
      li.textContent = reason;
      list.appendChild(li);
    });
    box.hidden = !answer.phase.known;
    box.classList.toggle("phase-new", !!answer.phase["new"]);
  }
})();
