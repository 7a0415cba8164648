/* Enhancements only: every page works without this file. */
(function () {
  "use strict";

  // Header menu on narrow screens: without JavaScript "Menu" is a link to the footer's
  // list of the same pages; here it becomes a disclosure button for the header's list.
  var toggle = document.querySelector("a.menu-toggle[data-menu]");
  var nav = toggle && document.getElementById(toggle.getAttribute("data-menu"));
  if (toggle && nav) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = toggle.className;
    button.innerHTML = toggle.innerHTML;
    button.setAttribute("aria-expanded", "false");
    button.setAttribute("aria-controls", nav.id);
    toggle.parentNode.replaceChild(button, toggle);
    var setOpen = function (open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      nav.classList.toggle("is-open", open);
    };
    button.addEventListener("click", function () {
      setOpen(button.getAttribute("aria-expanded") !== "true");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        setOpen(false);
        button.focus();
      }
    });
  }

  // Territories index: filter by kind and tags. Without JavaScript the form stays
  // hidden and the page is a plain list of every territory.
  var form = document.getElementById("territory-filters");
  var list = document.getElementById("territory-list");
  if (form && list) {
    var cards = Array.prototype.slice.call(list.querySelectorAll(".territory-card"));
    var status = form.querySelector(".filter-status");
    var apply = function () {
      var kind = (form.querySelector('input[name="kind"]:checked') || {}).value || "";
      var tags = Array.prototype.map.call(
        form.querySelectorAll('input[name="tag"]:checked'), function (i) { return i.value; });
      var shown = 0;
      cards.forEach(function (card) {
        var cardTags = (card.getAttribute("data-tags") || "").split(" ");
        var ok = (!kind || card.getAttribute("data-kind") === kind) &&
          tags.every(function (t) { return cardTags.indexOf(t) !== -1; });
        card.classList.toggle("is-filtered-out", !ok);
        if (ok) { shown += 1; }
      });
      status.textContent = shown === 0 ? "Aucun territoire ne correspond à ces critères." :
        shown === 1 ? "1 territoire affiché." : shown + " territoires affichés.";
    };
    // The choice lives in the address: ?kind=metropole&tag=lac&tag=tgv.
    var remember = function () {
      var params = new URLSearchParams(window.location.search);
      params.delete("kind");
      params.delete("tag");
      Array.prototype.forEach.call(form.querySelectorAll("input:checked"), function (input) {
        if (input.value) { params.append(input.name, input.value); }
      });
      var query = params.toString();
      window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : "") +
        window.location.hash);
    };
    var restore = function () {
      var params = new URLSearchParams(window.location.search);
      var kind = params.get("kind") || "";
      var tags = params.getAll("tag");
      Array.prototype.forEach.call(form.querySelectorAll("input"), function (input) {
        input.checked = input.name === "kind" ? input.value === kind : tags.indexOf(input.value) !== -1;
      });
      if (!form.querySelector('input[name="kind"]:checked')) {
        form.querySelector('input[name="kind"][value=""]').checked = true;
      }
    };
    restore();
    form.hidden = false;
    if (window.location.search) { apply(); }
    form.addEventListener("change", function () { apply(); remember(); });
    // "Tout afficher": the browser clears the form after this event, then the list follows.
    form.addEventListener("reset", function () {
      window.setTimeout(function () { apply(); remember(); }, 0);
    });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
  }
})();

// Campaign attribution for the signup form: the utm_* of the visit's first campaign
// page, kept for this tab's visit in sessionStorage only (never a cookie), and written
// into the signup form's hidden utm_* fields: sent with a sign-up and nowhere else.
(function () {
  "use strict";
  var KEY = "venez-vivre:attribution";
  var NAMES = ["utm_source", "utm_medium", "utm_campaign", "utm_content"];
  try {
    var kept = JSON.parse(window.sessionStorage.getItem(KEY) || "null");
    if (!kept) {
      var params = new URLSearchParams(window.location.search);
      var found = {};
      NAMES.forEach(function (name) {
        if (params.get(name)) { found[name] = params.get(name).slice(0, 200); kept = found; }
      });
      if (kept) { window.sessionStorage.setItem(KEY, JSON.stringify(kept)); }
    }
    NAMES.forEach(function (name) {
      var input = document.querySelector('input[type="hidden"][name="' + name + '"]');
      if (input && kept && kept[name]) { input.value = kept[name]; }
    });
  } catch (e) { /* storage disabled or old browser: no attribution */ }
})();
