// Computes the SHA-256 of a chosen file in the browser (Web Crypto) and submits only the hash.
(function () {
  "use strict";
  var input = document.getElementById("verify-file");
  if (!input || !window.crypto || !window.crypto.subtle) { return; }
  var status = document.getElementById("verify-progress");
  input.addEventListener("change", function () {
    var file = input.files && input.files[0];
    if (!file) { return; }
    status.textContent = input.dataset.working || "…";
    file.arrayBuffer()
      .then(function (buffer) { return window.crypto.subtle.digest("SHA-256", buffer); })
      .then(function (digest) {
        var hex = Array.prototype.map.call(new Uint8Array(digest), function (b) {
          return ("0" + b.toString(16)).slice(-2);
        }).join("");
        document.getElementById(input.dataset.target).value = hex;
        status.textContent = hex;
        document.getElementById("hash-form").submit();
      })
      .catch(function (error) { status.textContent = String(error); });
  });
})();
