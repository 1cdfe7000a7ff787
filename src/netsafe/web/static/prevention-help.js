// The help page: count a click on the helpline number (anonymous: +1 on the day's counter).
// No cookie is sent (credentials "omit") and no identifier: a bodiless POST to the funnel endpoint.
document.querySelectorAll("a[data-funnel]").forEach(function (link) {
  link.addEventListener("click", function () {
    var url = "/api/v1/prevention/funnel/" + link.getAttribute("data-funnel");
    fetch(url, { method: "POST", credentials: "omit", keepalive: true }).catch(function () {});
  });
});
