// No inline scripts (CSP): everything the pages need from JavaScript lives here.
(function () {
  "use strict";

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)casushub_csrf=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : null;
  }

  // htmx requests carry the CSRF token in a header (Litestar's CSRF middleware).
  document.addEventListener("htmx:configRequest", function (event) {
    var token = csrfToken();
    if (token) {
      event.detail.headers["x-csrftoken"] = token;
    }
  });
})();
