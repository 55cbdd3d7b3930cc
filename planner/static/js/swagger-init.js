// Start Swagger UI on the API docs page (/api/v1/swagger).
// Kept out of the page so the Content-Security-Policy needs no inline script.
// Signed-in "Try it out" calls use the session cookie; unsafe methods carry the
// CSRF token the API asks session callers for.
(function () {
  "use strict";

  var UNSAFE = ["POST", "PUT", "PATCH", "DELETE"];

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function start() {
    var root = document.getElementById("swagger-ui");
    window.ui = SwaggerUIBundle({
      url: new URL(root.dataset.specUrl, window.location.href).href,
      dom_id: "#swagger-ui",
      deepLinking: true,
      presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
      plugins: [SwaggerUIBundle.plugins.DownloadUrl],
      layout: "StandaloneLayout",
      validatorUrl: null,
      requestInterceptor: function (request) {
        if (UNSAFE.indexOf(String(request.method).toUpperCase()) !== -1) {
          request.headers["X-CSRFToken"] = csrfToken();
        }
        return request;
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
