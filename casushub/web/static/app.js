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

  // Pages may hold personal data: htmx's history cache is off (historyCacheSize 0) and every
  // page carries hx-history="false"; also drop any snapshot an older htmx left behind.
  try {
    window.sessionStorage.removeItem("htmx-history-cache");
    window.localStorage.removeItem("htmx-history-cache");
  } catch (ignored) {
    // Storage may be disabled by the user's browser settings: then nothing is cached either.
  }

  // --- announcements --------------------------------------------------------------------
  // #meldingen is a polite live region in base.html. Clearing first and writing a moment
  // later makes screen readers announce the same text twice in a row too.
  function announce(text) {
    var region = document.getElementById("meldingen");
    if (!region || !text) {
      return;
    }
    region.textContent = "";
    window.setTimeout(function () {
      region.textContent = text;
    }, 50);
  }

  function focusElement(element) {
    if (!element) {
      return;
    }
    if (!element.matches("a[href], button, input, select, textarea, [tabindex]")) {
      element.setAttribute("tabindex", "-1");
    }
    element.focus();
  }

  // --- error summary (GOV.UK / NL Design System pattern) ----------------------------------
  // The summary gets focus so it is read first; without one, the first invalid field does.
  function focusFirstError(root) {
    var selector = "[data-error-summary], [aria-invalid='true']";
    var found = root.matches && root.matches(selector) ? root : root.querySelector(selector);
    if (found) {
      focusElement(found);
      return true;
    }
    return false;
  }

  // A link in the summary focuses its field and scrolls its label into view, so the
  // question is visible together with the control.
  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-error-summary] a[href^='#']");
    if (!link) {
      return;
    }
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (!field) {
      return;
    }
    event.preventDefault();
    var label = document.querySelector("label[for='" + CSS.escape(field.id) + "']");
    (label || field).scrollIntoView();
    field.focus({ preventScroll: true });
  });

  // --- focus after htmx swaps -------------------------------------------------------------
  // Rules, in order: the first error in the new content gets focus; otherwise focus stays
  // where htmx put it back (an element whose id survived the swap, e.g. a sort header);
  // otherwise the swapped region itself. The region's data-melding, if any, is announced.
  // htmx fires afterSettle once per settled element: handle each request once.
  var settled = new WeakSet();
  var lastMessages = {};

  document.addEventListener("htmx:afterSettle", function (event) {
    var detail = event.detail || {};
    var request = detail.xhr || event;
    if (settled.has(request)) {
      return;
    }
    settled.add(request);
    var region = detail.target;
    if (region && !region.isConnected) {
      // An outerHTML swap replaced the target: the new element carries the same id.
      region = region.id ? document.getElementById(region.id) : null;
    }
    if (!region || region === document.body) {
      return;
    }
    // A region that waited for its content (aria-busy="true" until loaded) is done now;
    // left busy, screen readers would keep ignoring what it shows.
    if (region.getAttribute("aria-busy") === "true") {
      region.removeAttribute("aria-busy");
    }
    var message = region.getAttribute("data-melding");
    if (!message) {
      // A section's confirmation after a save (casusoverleg/_bevestiging.html).
      var confirmation = region.querySelector("[data-bevestiging]");
      message = confirmation ? confirmation.textContent.trim() : null;
    }
    var config = detail.requestConfig || {};
    var byUser = config.triggeringEvent && config.triggeringEvent.isTrusted;
    if (!byUser) {
      // Polling and load-triggered swaps (a progress fragment) never move focus, and say
      // something only when their message changed (e.g. "Klaar").
      if (message && message !== lastMessages[region.id]) {
        announce(message);
      }
      lastMessages[region.id] = message;
      return;
    }
    if (focusFirstError(region)) {
      return;
    }
    var active = document.activeElement;
    if (!(active && active !== region && region.contains(active))) {
      focusElement(region);
    }
    announce(message);
  });

  // --- confirmation dialogs -----------------------------------------------------------------
  // Browsers with invoker commands open the dialog from command="show-modal" themselves.
  var nativeCommands = "command" in HTMLButtonElement.prototype;
  document.addEventListener("click", function (event) {
    if (nativeCommands) {
      return;
    }
    var trigger = event.target.closest("[data-dialog-open]");
    if (!trigger) {
      return;
    }
    var dialog = document.getElementById(trigger.getAttribute("data-dialog-open"));
    if (dialog && !dialog.open) {
      dialog.showModal();
    }
  });

  // --- full page loads ------------------------------------------------------------------------
  // A form that came back with errors: the summary gets focus so it is read first.
  function onLoad() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      focusElement(summary);
    }
    // A confirmation after a save (base.html): a status region present at load is not read
    // out by every screen reader, so it is announced through the live region as well.
    var confirmation = document.querySelector("[data-bevestiging]");
    if (confirmation) {
      announce(confirmation.textContent.trim());
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", onLoad);
  } else {
    onLoad();
  }
})();
