// Session expiry warning (WCAG 2.2.1 Timing adjustable). A few minutes before the idle timeout
// an accessible dialog offers to stay signed in with one action. Static file, no inline script
// (CSP). The server is the authority: /auth/session says when this session ends.
(function () {
  "use strict";

  var STATUS_URL = "/auth/session";
  var EXTEND_URL = "/auth/session/verlengen";
  var warnTimer = null;
  var expireTimer = null;
  var tickTimer = null;
  var expiresAt = 0;
  var dialog = null;

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)casushub_csrf=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function clearTimers() {
    window.clearTimeout(warnTimer);
    window.clearTimeout(expireTimer);
    window.clearInterval(tickTimer);
  }

  function minutesLeft() {
    return Math.max(1, Math.ceil((expiresAt - Date.now()) / 60000));
  }

  function buildDialog() {
    dialog = document.createElement("dialog");
    dialog.className = "session-dialog";
    dialog.setAttribute("aria-labelledby", "sessie-titel");
    dialog.setAttribute("aria-describedby", "sessie-tekst");
    var title = document.createElement("h2");
    title.id = "sessie-titel";
    title.textContent = "Uw sessie verloopt bijna";
    var text = document.createElement("p");
    text.id = "sessie-tekst";
    var stay = document.createElement("button");
    stay.type = "button";
    stay.className = "utrecht-button utrecht-button--primary-action";
    stay.textContent = "Ingelogd blijven";
    stay.addEventListener("click", extend);
    dialog.appendChild(title);
    dialog.appendChild(text);
    dialog.appendChild(stay);
    // Escape closes the dialog without extending: the session then simply runs out.
    document.body.appendChild(dialog);
  }

  function updateText() {
    var minutes = minutesLeft();
    dialog.querySelector("#sessie-tekst").textContent =
      "U bent " + (minutes === 1 ? "over ongeveer 1 minuut" : "over ongeveer " + minutes + " minuten") +
      " automatisch uitgelogd omdat u een tijd niets heeft gedaan. Wilt u ingelogd blijven?";
  }

  function warn() {
    if (!dialog) {
      buildDialog();
    }
    updateText();
    if (!dialog.open) {
      dialog.showModal();
      dialog.querySelector("button").focus();
    }
    tickTimer = window.setInterval(updateText, 30000);
  }

  function expire() {
    // Another tab may have extended the session meanwhile: ask before leaving the page.
    status().then(function (state) {
      if (state && state.signed_in && Date.parse(state.expires_at) > Date.now()) {
        schedule(state);
        return;
      }
      window.location.href = "/auth/login?reden=verlopen&volgende=" +
        encodeURIComponent(window.location.pathname + window.location.search);
    });
  }

  function schedule(state) {
    clearTimers();
    if (dialog && dialog.open) {
      dialog.close();
    }
    if (!state || !state.signed_in) {
      return;
    }
    expiresAt = Date.parse(state.expires_at);
    var warning = (state.warning_seconds || 300) * 1000;
    warnTimer = window.setTimeout(warn, Math.max(0, expiresAt - warning - Date.now()));
    expireTimer = window.setTimeout(expire, Math.max(0, expiresAt - Date.now()));
  }

  function status() {
    return window
      .fetch(STATUS_URL, { credentials: "same-origin", headers: { accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .catch(function () { return null; });
  }

  function extend() {
    window
      .fetch(EXTEND_URL, {
        method: "POST",
        credentials: "same-origin",
        headers: { "x-csrftoken": csrfToken(), accept: "application/json" },
      })
      .then(status)
      .then(schedule);
  }

  function refresh() {
    status().then(schedule);
  }

  document.addEventListener("DOMContentLoaded", refresh);
  // An htmx request counts as activity on the server: move the warning along with it.
  document.addEventListener("htmx:afterRequest", refresh);
})();
