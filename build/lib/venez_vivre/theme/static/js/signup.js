/* Signup form enhancement. Without this file the form is a plain POST to the receiver,
   which answers with a redirect to /inscription/merci/.
   With it: the page the form was opened from goes with the form (the visit's campaign,
   utm_*, is written into the hidden fields by site.js, even where this file cannot
   run); `?territoire=<slug>` pre-selects a territory; the form is sent in the
   background as a CORS "simple" request (URL-encoded body, no custom header: no
   preflight); errors come back from the receiver and are shown GOV.UK-style; any
   failure keeps everything typed, ready to send again. */
(function () {
  "use strict";

  var form = document.getElementById("signup-form");
  if (!form || !window.fetch || !window.URLSearchParams || !window.FormData) { return; }

  var TIMEOUT_MS = 15000;
  var started = Date.now();
  var summary = document.getElementById("error-summary");
  var summaryList = document.getElementById("error-summary-list");
  var problem = document.getElementById("send-problem");
  var problemText = document.getElementById("send-problem-text");
  var success = document.getElementById("signup-success");
  var status = document.getElementById("send-status");
  var button = document.getElementById("signup-submit");
  var sending = false;

  function field(name) { return form.elements.namedItem(name); }
  function setHidden(name, value) {
    var input = field(name);
    if (input && value) { input.value = String(value).slice(0, 500); }
  }

  // One id per filled form: a resend after a lost answer is stored only once.
  function newSubmissionId() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    var id = "";
    for (var i = 0; i < 4; i += 1) { id += Math.random().toString(36).slice(2, 10); }
    return id;
  }
  field("_submission_id").value = newSubmissionId();

  // ?territoire=<slug> (the territory page's "Je veux m'installer ici").
  var params = new URLSearchParams(window.location.search);
  var chosen = params.get("territoire");
  var chosenBox = chosen && document.getElementById("territoires-" + chosen);
  if (chosenBox && chosenBox.name === "territoires") { chosenBox.checked = true; }

  // The page the form was opened from: the referring page of this site, otherwise the
  // pre-selected territory's page.
  var from = "";
  try {
    var referrer = document.referrer ? new URL(document.referrer) : null;
    if (referrer && referrer.origin === window.location.origin &&
        referrer.pathname !== window.location.pathname) { from = referrer.pathname; }
  } catch (e) { /* unreadable referrer */ }
  if (!from && chosenBox) { from = chosenBox.getAttribute("data-page") || ""; }
  setHidden("page", from);

  // The receiver validates; our messages come from it (one wording, one place).
  form.noValidate = true;

  function clearErrors() {
    summary.hidden = true;
    summaryList.textContent = "";
    Array.prototype.forEach.call(form.querySelectorAll(".field-error"), function (p) {
      p.hidden = true;
      p.textContent = "";
      var owner = p.closest(".field");
      if (owner) { owner.classList.remove("field-has-error"); }
    });
    Array.prototype.forEach.call(form.querySelectorAll("[aria-describedby]"), function (el) {
      el.removeAttribute("aria-invalid");
      var ids = el.getAttribute("aria-describedby").split(" ").filter(function (id) {
        return id && !/-error$/.test(id);
      });
      if (ids.length) { el.setAttribute("aria-describedby", ids.join(" ")); }
      else { el.removeAttribute("aria-describedby"); }
    });
  }

  // The element an error links to: the input, or a choice group's first box.
  function target(name) {
    var el = field(name);
    if (el && !el.tagName && el.length) { el = el[0]; }  // RadioNodeList
    return el && el.tagName ? el : button;
  }

  function showErrors(errors) {
    clearErrors();
    errors.forEach(function (error) {
      var message = error.message;
      var slot = document.getElementById(error.field + "-error");
      var input = target(error.field);
      if (slot) {
        var hidden = document.createElement("span");
        hidden.className = "visually-hidden";
        hidden.textContent = "Erreur : ";
        slot.appendChild(hidden);
        slot.appendChild(document.createTextNode(message));
        slot.hidden = false;
        slot.closest(".field").classList.add("field-has-error");
        // A choice group is described by its message on its fieldset (GOV.UK); a
        // single field on its input, which is also marked invalid.
        var choice = input.type === "checkbox" || input.type === "radio";
        var described = choice ? slot.closest("fieldset") : input;
        var ids = (described.getAttribute("aria-describedby") || "").split(" ");
        if (ids.indexOf(slot.id) === -1) { ids.unshift(slot.id); }
        described.setAttribute("aria-describedby", ids.join(" ").trim());
        if (!choice) { input.setAttribute("aria-invalid", "true"); }
      }
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = "#" + input.id;
      link.textContent = message;
      link.addEventListener("click", function (event) {
        // GOV.UK: focus the field and show its label or legend with it.
        event.preventDefault();
        var group = (input.type === "checkbox" || input.type === "radio") && input.closest("fieldset");
        var label = group ? group.querySelector("legend") :
          form.querySelector('label[for="' + input.id + '"]');
        input.focus({ preventScroll: true });
        (label || input).scrollIntoView({ block: "start" });
      });
      item.appendChild(link);
      summaryList.appendChild(item);
    });
    problem.hidden = true;
    summary.hidden = false;
    summary.focus();
  }

  function showProblem(text) {
    problemText.textContent = text;
    problem.hidden = false;
    problem.focus();
  }

  function showSuccess() {
    clearErrors();
    problem.hidden = true;
    form.hidden = true;
    success.hidden = false;
    success.focus();
  }

  function finish() {
    sending = false;
    button.removeAttribute("aria-disabled");
    status.textContent = "";
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (sending) { return; }
    sending = true;
    button.setAttribute("aria-disabled", "true");
    status.textContent = "Envoi en cours…";
    var data = new URLSearchParams(new FormData(form));
    data.set("_format", "json");
    data.set("_fill_ms", String(Date.now() - started));
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller && setTimeout(function () { controller.abort(); }, TIMEOUT_MS);
    fetch(form.action, {
      method: "POST",
      body: data,  // application/x-www-form-urlencoded: a CORS-safelisted type
      mode: "cors",
      credentials: "omit",
      cache: "no-store",
      signal: controller ? controller.signal : undefined
    }).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (body) {
        return { status: response.status, body: body };
      });
    }).then(function (answer) {
      finish();
      if (answer.status >= 200 && answer.status < 300 && answer.body && answer.body.ok) {
        showSuccess();
      } else if (answer.status === 422 && answer.body && answer.body.errors) {
        showErrors(answer.body.errors.map(function (e) {
          return { field: e.field === "_form" ? "_submit" : e.field, message: e.message };
        }));
      } else if (answer.status >= 500) {
        showProblem("Le service d’inscription rencontre un problème (erreur " + answer.status + ").");
      } else {
        showProblem((answer.body && answer.body.message) ||
          "Le service d’inscription a refusé l’envoi (erreur " + answer.status + ").");
      }
    }, function (error) {
      finish();
      showProblem(error && error.name === "AbortError" ?
        "Le service d’inscription n’a pas répondu à temps." :
        "Le service d’inscription est injoignable : vérifiez votre connexion à Internet.");
    }).then(function () { if (timer) { clearTimeout(timer); } });
  });
})();
