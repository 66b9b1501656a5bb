// Progressive enhancement of the filing form: add items without a round trip, show per item
// whether footage exists while the user types, and narrow the camera list by a search.
(function () {
  "use strict";
  var form = document.getElementById("request-form");
  if (!form) { return; }
  var availabilityUrl = form.getAttribute("data-availability-url");
  var pickerUrl = form.getAttribute("data-picker-url");
  var pickerLabel = form.getAttribute("data-picker-label") || "";
  var items = form.querySelector("[data-items]");
  var template = document.getElementById("item-template");
  var total = form.querySelector("input[name='items-TOTAL_FORMS']");
  var maxForms = form.querySelector("input[name='items-MAX_NUM_FORMS']");

  function field(item, name) {
    return item.querySelector("[name$='-" + name + "']");
  }

  function checkAvailability(item) {
    var camera = field(item, "camera"), start = field(item, "start"), end = field(item, "end");
    var out = item.querySelector("[data-availability]");
    if (!camera || !camera.value || !start.value || !end.value || !out) { return; }
    var query = new URLSearchParams({ camera: camera.value, start: start.value, end: end.value });
    fetch(availabilityUrl + "?" + query.toString(), { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        out.textContent = "";
        if (data.errors) {
          var messages = [];
          Object.keys(data.errors).forEach(function (key) { messages = messages.concat(data.errors[key]); });
          out.textContent = messages.join(" ");
          return;
        }
        var badge = document.createElement("span");
        badge.className = "status " + (data.status === "covered" ? "status-ok" : data.status === "partial" ? "status-warn" : "status-bad");
        badge.textContent = data.label || data.status;
        out.appendChild(badge);
        out.appendChild(document.createTextNode(" " + data.message));
      })
      .catch(function () { out.textContent = ""; });
  }

  function addPicker(item) {
    var select = field(item, "camera");
    if (!pickerUrl || !select || item.querySelector("[data-picker]")) { return; }
    var search = document.createElement("input");
    search.type = "search";
    search.setAttribute("data-picker", "");
    search.setAttribute("aria-label", pickerLabel);
    search.placeholder = pickerLabel;
    select.parentNode.insertBefore(search, select);
    var timer = null;
    search.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        fetch(pickerUrl + "?q=" + encodeURIComponent(search.value), { credentials: "same-origin" })
          .then(function (response) { return response.json(); })
          .then(function (data) {
            var wanted = {};
            (data.cameras || []).forEach(function (camera) { wanted[String(camera.id)] = true; });
            Array.prototype.forEach.call(select.options, function (option) {
              option.hidden = option.value !== "" && !wanted[option.value];
            });
          });
      }, 250);
    });
  }

  function enhance(item) {
    addPicker(item);
    ["camera", "start", "end"].forEach(function (name) {
      var input = field(item, name);
      if (input) { input.addEventListener("change", function () { checkAvailability(item); }); }
    });
  }

  Array.prototype.forEach.call(items.querySelectorAll("[data-item]"), enhance);

  var addButton = form.querySelector("[data-add-item]");
  if (addButton && template && total) {
    addButton.addEventListener("click", function (event) {
      var count = parseInt(total.value, 10);
      if (maxForms && count >= parseInt(maxForms.value, 10)) { return; }
      event.preventDefault();
      var html = template.innerHTML.replace(/__prefix__/g, String(count)).replace(/__number__/g, String(count + 1));
      var holder = document.createElement("div");
      holder.innerHTML = html;
      var item = holder.querySelector("[data-item]");
      items.appendChild(item);
      total.value = String(count + 1);
      enhance(item);
    });
  }
})();
