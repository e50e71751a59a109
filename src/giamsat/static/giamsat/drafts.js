// Keeps what is typed into a form marked data-draft in this browser until the server has it: an expired
// session, a refused token, a lost connection or a closed tab must not lose a report typed for an hour.
// Only the fields changed since the page loaded are kept, under the signed-in user's id and the form's address.
// Case forms (data-draft-store="tab") keep theirs only in the tab (sessionStorage), dropped when the tab is
// closed: children's data is not left on a shared office computer, and an intake typed when the session ran out
// is offered back after logging in again in the same tab.
(function () {
  "use strict";
  var PREFIX = "giamsat-draft:";
  var SUBMITTED = "giamsat-draft-submitted";
  var KEEP_DAYS = 30;
  var text = document.getElementById("draft-text");
  var user = document.body.getAttribute("data-user");
  if (!text || !user || !window.localStorage) return;

  function read(key, store) {
    try {
      return JSON.parse((store || localStorage).getItem(key) || "null");
    } catch (e) {
      return null;
    }
  }

  function write(key, draft, store) {
    try {
      store.setItem(key, JSON.stringify(draft));
    } catch (e) {
      // Storage full or refused: the form still works, only without a safety copy.
    }
  }

  // Old drafts are dropped so a shared computer does not keep them for ever.
  var now = Date.now();
  for (var i = localStorage.length - 1; i >= 0; i--) {
    var name = localStorage.key(i);
    if (name && name.indexOf(PREFIX) === 0) {
      var old = read(name);
      if (!old || now - old.saved > KEEP_DAYS * 86400000) localStorage.removeItem(name);
    }
  }

  // The page after a submit: a success message means the server has what was sent.
  var submitted = sessionStorage.getItem(SUBMITTED);
  sessionStorage.removeItem(SUBMITTED);
  if (submitted && document.querySelector(".messages .success")) {
    localStorage.removeItem(submitted);
    sessionStorage.removeItem(submitted);
  }

  function fields(form) {
    var seen = {};
    var out = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.disabled || el.name === "csrfmiddlewaretoken") return;
      if (/^(hidden|file|password|submit|button|reset|image)$/.test(el.type)) return;
      var id = el.name;
      if (el.type === "checkbox" || el.type === "radio") id += "=" + el.value;
      seen[id] = (seen[id] || 0) + 1;
      out.push({ el: el, id: seen[id] > 1 ? id + "#" + seen[id] : id });
    });
    return out;
  }

  function valueOf(el) {
    if (el.type === "checkbox" || el.type === "radio") return el.checked;
    if (el.multiple) {
      return Array.prototype.filter.call(el.options, function (o) { return o.selected; })
        .map(function (o) { return o.value; }).join("\n");
    }
    return el.value;
  }

  function setValue(el, value) {
    if (el.type === "checkbox" || el.type === "radio") el.checked = value;
    else if (el.multiple) {
      var wanted = value.split("\n");
      Array.prototype.forEach.call(el.options, function (o) { o.selected = wanted.indexOf(o.value) >= 0; });
    } else el.value = value;
    el.dispatchEvent(new Event("input", { bubbles: true }));
    el.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, k) { return values[k]; });
  }

  function track(form) {
    var key = PREFIX + user + ":" + form.getAttribute("data-draft");
    var store = form.getAttribute("data-draft-store") === "tab" ? sessionStorage : localStorage;
    var list = fields(form);
    var initial = {};
    list.forEach(function (f) { initial[f.id] = valueOf(f.el); });

    // What was kept and still differs from the page is offered back; the rest the server already has.
    var draft = read(key, store);
    var pending = {};
    var count = 0;
    if (draft) {
      list.forEach(function (f) {
        if (f.id in draft.values && draft.values[f.id] !== initial[f.id]) {
          pending[f.id] = draft.values[f.id];
          count++;
        }
      });
      if (!count) store.removeItem(key);
    }
    if (count) offer(form, store, key, list, pending, count, draft.saved);

    var timer = null;
    function keep() {
      timer = null;
      var changed = {};
      var any = false;
      list.forEach(function (f) {
        var v = valueOf(f.el);
        if (v !== initial[f.id]) {
          changed[f.id] = v;
          any = true;
        }
      });
      if (any) write(key, { saved: Date.now(), values: changed }, store);
      else store.removeItem(key);
    }
    function soon() {
      if (!timer) timer = setTimeout(keep, 400);
    }
    form.addEventListener("input", soon);
    form.addEventListener("change", soon);
    form.addEventListener("submit", function () {
      if (timer) {
        clearTimeout(timer);
        keep();
      }
      sessionStorage.setItem(SUBMITTED, key);
    });
    Array.prototype.forEach.call(form.querySelectorAll("[data-draft-cancel]"), function (el) {
      el.addEventListener("click", function () { store.removeItem(key); });
    });
  }

  function offer(form, store, key, list, pending, count, saved) {
    var when = new Date(saved);
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    var box = document.createElement("div");
    box.className = "alert warning draft-offer";
    box.setAttribute("role", "alert");
    box.setAttribute("data-testid", "draft-offer");
    var message = document.createElement("p");
    message.textContent = fill(text.getAttribute("data-found"), {
      n: count,
      time: pad(when.getHours()) + ":" + pad(when.getMinutes()),
      date: pad(when.getDate()) + "/" + pad(when.getMonth() + 1) + "/" + when.getFullYear(),
    });
    var restore = document.createElement("button");
    restore.type = "button";
    restore.textContent = text.getAttribute("data-restore");
    var discard = document.createElement("button");
    discard.type = "button";
    discard.className = "secondary";
    discard.textContent = text.getAttribute("data-discard");
    box.appendChild(message);
    box.appendChild(restore);
    box.appendChild(document.createTextNode(" "));
    box.appendChild(discard);
    form.parentNode.insertBefore(box, form);
    restore.addEventListener("click", function () {
      list.forEach(function (f) {
        if (f.id in pending) setValue(f.el, pending[f.id]);
      });
      message.textContent = text.getAttribute("data-restored");
      restore.remove();
      discard.remove();
    });
    discard.addEventListener("click", function () {
      store.removeItem(key);
      box.remove();
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("form[data-draft]"), track);

  // An autosave that met the login page (session over) or a refused token must say so, not show that page.
  function unsaved(evt) {
    var target = evt.detail.target;
    if (target && evt.detail.elt && evt.detail.elt.closest("form[data-draft]")) {
      // The target's fields (the report's revision) stay: the form is still to be sent.
      Array.prototype.slice.call(target.childNodes).forEach(function (node) {
        if (node.nodeName !== "INPUT") node.remove();
      });
      var message = document.createElement("span");
      message.className = "cell-msg";
      message.setAttribute("role", "alert");
      message.textContent = text.getAttribute("data-unsaved");
      target.appendChild(message);
    }
  }
  document.body.addEventListener("htmx:beforeSwap", function (evt) {
    var xhr = evt.detail.xhr;
    var login = text.getAttribute("data-login");
    if (xhr && xhr.responseURL && new URL(xhr.responseURL).pathname === login) {
      evt.detail.shouldSwap = false;
      unsaved(evt);
    }
  });
  document.body.addEventListener("htmx:responseError", unsaved);
  document.body.addEventListener("htmx:sendError", unsaved);
})();
