/* htmx on NetSafe's pages, loaded after static/vendor/htmx.min.js (no inline script: the CSP
   allows scripts from this origin only, and htmx runs with allowEval off).
   1. Every htmx request carries the page's CSRF token in X-CSRF-Token, read from
      <meta name="csrf-token"> (forms also send it in their hidden field, as without JavaScript).
   2. A request the server refuses, or that cannot be sent, is reported in an alert at the top of
      the page rather than failing silently. */
(function () {
  "use strict";

  document.addEventListener("htmx:configRequest", function (event) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta && meta.content) {
      event.detail.headers["X-CSRF-Token"] = meta.content;
    }
  });

  function report(text) {
    var main = document.getElementById("main");
    if (!main) {
      return;
    }
    var box = document.getElementById("htmx-error");
    if (!box) {
      box = document.createElement("p");
      box.id = "htmx-error";
      box.className = "error";
      box.setAttribute("role", "alert");
      main.insertBefore(box, main.firstChild);
    }
    box.textContent = text;
  }

  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr ? event.detail.xhr.status : "?";
    report("The server refused this (HTTP " + status + "): reload the page and try again.");
  });
  document.addEventListener("htmx:sendError", function () {
    report("The server could not be reached: check the connection and try again.");
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var box = document.getElementById("htmx-error");
    if (box && event.detail.successful) {
      box.remove();
    }
  });
})();
