// How forms behave beyond HTML, without inline handlers (the Content-Security-Policy allows no inline script).
// A form is sent once: a double tap on "Lưu" (slow links, phones) sent it twice and created two cases.
// Forms that htmx sends are left to htmx, which does not reload the page between sends.
(function () {
  "use strict";
  // A filter (data-autosubmit) is applied as soon as it changes; a <noscript> button does it without JavaScript.
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field instanceof Element && field.matches("[data-autosubmit]") && field.form) field.form.submit();
  });
  document.addEventListener("click", function (event) {
    if (event.target instanceof Element && event.target.closest("[data-print]")) window.print();
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || form.method.toLowerCase() !== "post") return;
    if (form.matches("[hx-post],[hx-put],[data-hx-post],[data-hx-put]")) return;
    if (form.dataset.sending) {
      event.preventDefault();
      return;
    }
    if (event.defaultPrevented) return;
    form.dataset.sending = "1";
    // A form whose answer is a download (data-download) leaves the page where it is: it may be sent again 10 s
    // later. Any other waits for its answer, the next page: on a slow link a second tap after 10 s made a second
    // recommendation. A minute frees it all the same, in case the user stopped the request.
    setTimeout(function () {
      delete form.dataset.sending;
    }, form.hasAttribute("data-download") ? 10000 : 60000);
  });
  // Back to a page kept by the browser: its forms may be sent again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    document.querySelectorAll("form[data-sending]").forEach(function (form) {
      delete form.dataset.sending;
    });
  });
})();
