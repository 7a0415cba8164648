/* Signup form enhancement. Without this file the form is a plain POST to the endpoint,
   which answers with a redirect to /inscription/merci/ (or its own page).
   With it:
   - the browser checks every field before anything is sent, with the rules and French
     messages of the payload contract (receiver/contract.py, rendered by the build into
     the form's data-config attribute): GOV.UK error summary that takes focus and links to each field,
     a message beside each field, nothing sent while a field is wrong;
   - `?territoire=<slug>` pre-selects a territory; the page the form was opened from
     goes with it (the campaign, utm_*, is written into the hidden fields by site.js
     from this page's address);
   - the form is sent in the background (SIGNUP["background"], the default): any 2xx
     answer, or a redirect, is a success and names who will call; our receiver's 422
     errors are shown beside the fields; any other answer, or none, keeps everything
     typed, says so in French and offers "Réessayer".
   Nothing is ever stored on the device. */
(function () {
  "use strict";

  var form = document.getElementById("signup-form");
  if (!form || !window.fetch || !window.URLSearchParams || !window.FormData) { return; }
  var config;
  try { config = JSON.parse(form.getAttribute("data-config")); } catch (e) { return; }

  var TIMEOUT_MS = 15000;
  var started = Date.now();
  var rules = config.rules;
  var names = config.names;
  var summary = document.getElementById("error-summary");
  var summaryList = document.getElementById("error-summary-list");
  var problem = document.getElementById("send-problem");
  var problemText = document.getElementById("send-problem-text");
  var retry = document.getElementById("signup-retry");
  var success = document.getElementById("signup-success");
  var status = document.getElementById("send-status");
  var button = document.getElementById("signup-submit");
  var sending = false;

  // Controls by their contract name (data-field), whatever name the endpoint receives.
  function controls(field) {
    return Array.prototype.slice.call(form.querySelectorAll('[data-field="' + field + '"]'));
  }
  function control(field) { return controls(field)[0] || null; }
  function setValue(field, value) {
    var input = control(field);
    if (input) { input.value = value; }
  }
  function isChoice(input) { return input.type === "checkbox" || input.type === "radio"; }

  // One id per filled form: a resend after a lost answer is stored only once.
  function newSubmissionId() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    var id = "";
    for (var i = 0; i < 4; i += 1) { id += Math.random().toString(36).slice(2, 10); }
    return id;
  }
  setValue("_submission_id", newSubmissionId());

  // ?territoire=<slug> (the territory page's "Je veux m'installer ici").
  var params = new URLSearchParams(window.location.search);
  var chosen = params.get("territoire");
  var chosenBox = chosen && document.getElementById("territoires-" + chosen);
  if (chosenBox && chosenBox.getAttribute("data-field") === "territoires") {
    chosenBox.checked = true;
  }

  // ?evenement=<slug> (an event page's "Je m'inscris à cet événement"). An event that
  // ended since the build was hidden and disabled by site.js: it cannot be chosen.
  var chosenEvent = params.get("evenement");
  var eventBox = chosenEvent && document.getElementById("evenement-" + chosenEvent);
  if (eventBox && eventBox.getAttribute("data-field") === "evenement" && !eventBox.disabled) {
    eventBox.checked = true;
  }

  // The page the form was opened from: the referring page of this site, otherwise the
  // pre-selected territory's page.
  var from = "";
  try {
    var referrer = document.referrer ? new URL(document.referrer) : null;
    if (referrer && referrer.origin === window.location.origin &&
        referrer.pathname !== window.location.pathname) { from = referrer.pathname; }
  } catch (e) { /* unreadable referrer */ }
  if (!from && chosenBox) { from = chosenBox.getAttribute("data-page") || ""; }
  if (!from && eventBox && eventBox.checked) { from = eventBox.getAttribute("data-page") || ""; }
  if (from) { setValue("page", from.slice(0, 500)); }

  // Our own checks replace the browser's bubbles (which cannot be styled or summarised).
  form.noValidate = true;

  // --- Checking, with the contract's rules ------------------------------------------
  function length(text) { return Array.from ? Array.from(text).length : text.length; }
  function asciiDigits(text) { return (text.match(/[0-9]/g) || []).length; }

  function passes(rule, input, values) {
    var value = values[0] || "";
    switch (rule.rule) {
      case "required": return value !== "";
      case "pattern": return new RegExp(rule.value).test(value);
      case "digits":
        return asciiDigits(value) >= rule.value[0] && asciiDigits(value) <= rule.value[1];
      case "integer":
        return /^[0-9]+$/.test(value) &&
          Number(value) >= rule.value[0] && Number(value) <= rule.value[1];
      case "max_length": return length(value) <= rule.value;
      case "min_count": return values.length >= rule.value;
      case "max_count": return values.length <= rule.value;
      case "each_pattern":
        return values.every(function (v) { return new RegExp(rule.value).test(v); });
      case "one_of":
        return values.every(function (v) { return rule.value.indexOf(v) !== -1; });
      case "equals": return value === rule.value;
      default: return true;  // a rule this script does not know: the receiver checks it
    }
  }

  function check() {
    var errors = [];
    rules.order.forEach(function (field) {
      var inputs = controls(field);
      if (!inputs.length || !rules.fields[field]) { return; }
      var values = inputs.filter(function (input) {
        return !isChoice(input) || input.checked;
      }).map(function (input) { return isChoice(input) ? input.value : input.value.trim(); })
        .filter(function (v) { return v !== ""; });
      var group = isChoice(inputs[0]);
      var failed = null;
      rules.fields[field].some(function (rule) {
        // An empty optional text field has nothing to check.
        if (!group && !values.length && rule.rule !== "required") { return false; }
        if (!passes(rule, inputs[0], values)) { failed = rule; return true; }
        return false;
      });
      if (failed) { errors.push({ field: field, message: failed.message }); }
    });
    return errors;
  }

  // --- Showing errors (GOV.UK) --------------------------------------------------------
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
  function target(field) { return control(field) || button; }

  function showErrors(errors) {
    clearErrors();
    problem.hidden = true;
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
        var choice = isChoice(input);
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
        var group = isChoice(input) && input.closest("fieldset");
        var label = group ? group.querySelector("legend") :
          form.querySelector('label[for="' + input.id + '"]');
        input.focus({ preventScroll: true });
        (label || input).scrollIntoView({ block: "start" });
      });
      item.appendChild(link);
      summaryList.appendChild(item);
    });
    summary.hidden = false;
    summary.focus();
  }

  // Whatever went wrong, the form stays as typed and the previous errors go away.
  function showProblem(text) {
    clearErrors();
    problemText.textContent = text;
    problem.hidden = false;
    problem.focus();
  }

  // Who will call: each chosen territory's welcome officer, else the programme.
  function showSuccess() {
    clearErrors();
    problem.hidden = true;
    var chosenSlugs = controls("territoires").filter(function (box) { return box.checked; })
      .map(function (box) { return box.value; });
    var programmeCalls = chosenSlugs.length === 0;
    chosenSlugs.forEach(function (slug) {
      var line = success.querySelector('li[data-territory="' + slug + '"]');
      if (line) { line.hidden = false; } else { programmeCalls = true; }
    });
    var programme = success.querySelector('li[data-territory=""]');
    if (programme) { programme.hidden = !programmeCalls; }
    form.hidden = true;
    success.hidden = false;
    success.focus();
  }

  function finish() {
    sending = false;
    button.removeAttribute("aria-disabled");
    status.textContent = "";
  }

  // --- Sending ------------------------------------------------------------------------
  function body() {
    var data = new FormData(form);
    if (names._fill_ms) { data.set(names._fill_ms, String(Date.now() - started)); }
    if (names._format) { data.set(names._format, "json"); }
    if (config.encoding !== "json") {
      // application/x-www-form-urlencoded: CORS-safelisted, no preflight.
      return { body: new URLSearchParams(data), headers: {} };
    }
    var object = {};
    data.forEach(function (value, name) {
      if (config.multiple.indexOf(name) !== -1) {
        (object[name] = object[name] || []).push(value);
      } else {
        object[name] = value;
      }
    });
    config.multiple.forEach(function (name) { object[name] = object[name] || []; });
    return { body: JSON.stringify(object), headers: { "Content-Type": "application/json" } };
  }

  function answered(response) {
    // A redirect (a CRM's "return URL") cannot be read across origins: it is success.
    if (response.type === "opaqueredirect" ||
        (response.status >= 200 && response.status < 300)) {
      showSuccess();
      return null;
    }
    return response.json().catch(function () { return null; }).then(function (answer) {
      // 422: answers that break the contract; 400: text our receiver cannot store
      // (it names the field). Both come with the same list of errors.
      if ((response.status === 422 || response.status === 400) &&
          answer && answer.errors && answer.errors.length) {
        showErrors(answer.errors.map(function (e) {
          return { field: e.field === "_form" ? "_submit" : e.field, message: e.message };
        }));
      } else if (answer && typeof answer.message === "string" && answer.message) {
        showProblem(answer.message + " (erreur " + response.status + ").");
      } else {
        showProblem("Le service d’inscription a répondu par une erreur (code " +
          response.status + ").");
      }
    });
  }

  function send() {
    sending = true;
    button.setAttribute("aria-disabled", "true");
    status.textContent = "Envoi en cours…";
    var request = body();
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller && setTimeout(function () { controller.abort(); }, TIMEOUT_MS);
    fetch(form.action, {
      method: "POST",
      body: request.body,
      headers: request.headers,
      mode: "cors",
      redirect: "manual",
      credentials: "omit",
      cache: "no-store",
      referrerPolicy: "strict-origin",
      signal: controller ? controller.signal : undefined
    }).then(function (response) {
      finish();
      return answered(response);
    }, function (error) {
      finish();
      showProblem(error && error.name === "AbortError" ?
        "Le service d’inscription n’a pas répondu à temps." :
        "Le service d’inscription n’a pas pu être joint.");
    }).then(function () { if (timer) { clearTimeout(timer); } });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (sending) { return; }
    problem.hidden = true;
    var errors = check();
    if (errors.length) { showErrors(errors); return; }
    if (!config.background) {
      // A plain POST of the checked form: the endpoint's own answer or redirect follows.
      clearErrors();
      setValue("_fill_ms", String(Date.now() - started));
      sending = true;
      HTMLFormElement.prototype.submit.call(form);
      return;
    }
    send();
  });

  // Back from the endpoint's page after a plain POST (page restored from the cache).
  window.addEventListener("pageshow", function (event) { if (event.persisted) { finish(); } });

  retry.addEventListener("click", function () {
    if (form.requestSubmit) { form.requestSubmit(button); } else { button.click(); }
  });
})();
