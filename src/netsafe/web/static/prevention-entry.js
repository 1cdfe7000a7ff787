// Quick contact entry: Ctrl+Enter (or Cmd+Enter) saves from anywhere in the form.
(function () {
  var form = document.getElementById("contact-form");
  if (!form) { return; }
  form.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  var problems = document.getElementById("problems");
  if (problems) { problems.querySelector("a").focus(); }
})();
