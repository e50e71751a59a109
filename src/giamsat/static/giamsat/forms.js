// How forms behave beyond HTML, without inline handlers (the Content-Security-Policy allows no inline script).
// A form is sent once: a double tap on "Lưu" (slow links, phones) sent it twice and created two cases.
// Forms that htmx sends are left to htmx, which does not reload the page between sends.
(function () {
  "use strict";
  // A filter (data-autosubmit) is applied as soon as it changes; a <noscript> button does it without JavaScript.
  // A list moved through with the keyboard changes at every arrow key: it is applied on Enter or on leaving it,
  // not at each step (each step reloaded the page and lost the focus).
  var keyed = new WeakSet();
  // The option the page was made with: the one marked selected, else the first (a list's "Tất cả").
  function made(select) {
    var marked = Array.prototype.find.call(select.options, function (option) {
      return option.defaultSelected;
    });
    return marked || select.options[0] || null;
  }
  function moved(select) {
    var option = made(select);
    return option !== null && select.value !== option.value;
  }
  function isFilterList(field) {
    return field instanceof HTMLSelectElement && field.matches("[data-autosubmit]") && field.form;
  }
  document.addEventListener("keydown", function (event) {
    var field = event.target;
    if (!isFilterList(field) || ["Tab", "Shift", "Control", "Alt", "Meta"].indexOf(event.key) >= 0) return;
    if (event.key !== "Enter") {
      keyed.add(field);
    } else if (moved(field)) {
      event.preventDefault();
      field.form.submit();
    }
  });
  document.addEventListener("focusout", function (event) {
    var field = event.target;
    if (isFilterList(field) && keyed.has(field) && moved(field)) field.form.submit();
  });
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (!(field instanceof Element) || !field.matches("[data-autosubmit]") || !field.form) return;
    if (!keyed.has(field)) field.form.submit();
  });
  // Back to a page: the browser may show the filters as they were last changed, not as the page was made for
  // (the table below is the page's). They are set back to what the page was made for.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      var option = made(select);
      if (option !== null) select.value = option.value;
      keyed.delete(select);
    });
    document.querySelectorAll("input[type=checkbox][data-autosubmit]").forEach(function (box) {
      box.checked = box.defaultChecked;
    });
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
