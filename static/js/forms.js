/* Forms: after a refused submission, the first field in error gets the focus (on a phone, the
   keyboard opens where the correction is needed); each link of the error summary at the form's top
   moves to its field. A static file: the Content-Security-Policy refuses inline scripts. */
(function () {
  "use strict";

  function focusField(field) {
    field.scrollIntoView({ block: "center" });
    field.focus({ preventScroll: true });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector("[data-error-summary]");
    if (!summary) {
      return;
    }
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[data-error-link]");
      var field = link && document.getElementById(link.getAttribute("href").slice(1));
      if (field) {
        event.preventDefault();
        focusField(field);
      }
    });
    var form = summary.closest("form") || document;
    var first = form.querySelector('[aria-invalid="true"]');
    if (first) {
      focusField(first);
    } else {
      summary.focus();
    }
  });
})();
