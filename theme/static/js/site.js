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
    if (window.location.search) { apply(); }
    form.addEventListener("change", function () { apply(); remember(); });
    // "Tout afficher": the browser clears the form after this event, then the list follows.
    form.addEventListener("reset", function () {
      window.setTimeout(function () { apply(); remember(); }, 0);
    });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
  }
})();

// Events: a static page does not know today's date. An event that ended since the last
// build is no longer offered: its card leaves the "À venir" list and its page says it is
// over, without its registration buttons.
(function () {
  "use strict";
  var now = Date.now();
  Array.prototype.forEach.call(document.querySelectorAll("[data-event-end]"), function (el) {
    var end = Date.parse(el.getAttribute("data-event-end"));
    if (isNaN(end) || end > now) { return; }
    el.classList.add("is-past");
    if (el.classList.contains("event-card")) {
      el.hidden = true;
    } else if (el.classList.contains("event-choice")) {
      // The signup form: an ended event can no longer be chosen.
      var input = el.querySelector("input");
      if (input) {
        var wasChosen = input.checked;
        input.checked = false;
        input.disabled = true;
        var none = document.getElementById("evenement-aucun");
        if (wasChosen && none) { none.checked = true; }
      }
      el.hidden = true;
    } else {
      var note = el.querySelector(".event-past-note");
      var actions = el.querySelector(".event-actions");
      if (note) { note.hidden = false; }
      if (actions) { actions.hidden = true; }
    }
  });
  var upcoming = document.getElementById("events-upcoming");
  if (upcoming && !upcoming.querySelector(".event-card:not([hidden])")) {
    var none = upcoming.querySelector(".events-none");
    if (none) { none.hidden = false; }
  }

  // Events index: filter by kind and territory, like the territories index.
  var form = document.getElementById("event-filters");
  if (!form) { return; }
  var cards = Array.prototype.slice.call(document.querySelectorAll(".event-card"))
    .filter(function (card) { return !card.hidden; });
  var status = form.querySelector(".filter-status");
  var apply = function () {
    var kind = (form.querySelector('input[name="kind"]:checked') || {}).value || "";
    var territory = form.querySelector('select[name="territoire"]').value;
    var shown = 0;
    cards.forEach(function (card) {
      var ok = (!kind || card.getAttribute("data-kind") === kind) && (!territory ||
        (card.getAttribute("data-territories") || "").split(" ").indexOf(territory) !== -1);
      card.classList.toggle("is-filtered-out", !ok);
      if (ok) { shown += 1; }
    });
    status.textContent = shown === 0 ? "Aucun événement ne correspond à ces critères." :
      shown === 1 ? "1 événement affiché." : shown + " événements affichés.";
  };
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) { event.preventDefault(); });
})();

// Campaign attribution for the signup form, with nothing stored on the device (no
// cookie, no web storage): the utm_* of this page's address are passed on to the
// site's own page links, so they reach the form after any number of clicks, and the
// form's hidden utm_* fields are filled from them. Links to other sites never get them.
// Its limit: a visitor who leaves the site and comes back later is not attributed.
(function () {
  "use strict";
  var NAMES = ["utm_source", "utm_medium", "utm_campaign", "utm_content"];
  if (!window.URL || !window.URLSearchParams) { return; }
  var params = new URLSearchParams(window.location.search);
  var campaign = [];
  NAMES.forEach(function (name) {
    var value = (params.get(name) || "").slice(0, 200);
    if (value) { campaign.push([name, value]); }
  });
  if (!campaign.length) { return; }

  // A page of this site: same origin, an address ending in "/" or ".html" (not a
  // file such as an MP3, a calendar or a feed), and not a link within this page.
  function carry(link) {
    var raw = link.getAttribute("href");
    if (!raw || raw.charAt(0) === "#" || link.hasAttribute("download")) { return; }
    var url;
    try { url = new URL(raw, window.location.href); } catch (e) { return; }
    if (url.origin !== window.location.origin) { return; }
    if (!/(\/|\.html)$/.test(url.pathname)) { return; }
    if (NAMES.some(function (name) { return url.searchParams.has(name); })) { return; }
    campaign.forEach(function (pair) { url.searchParams.set(pair[0], pair[1]); });
    link.setAttribute("href", url.pathname + url.search + url.hash);
  }
  Array.prototype.forEach.call(document.querySelectorAll("a[href]"), carry);
  // Links drawn later (search results…): completed at the moment they are followed.
  document.addEventListener("click", function (event) {
    var link = event.target && event.target.closest && event.target.closest("a[href]");
    if (link) { carry(link); }
  }, true);

  // A search on the site (a GET form to one of its pages) keeps the campaign too.
  Array.prototype.forEach.call(document.querySelectorAll("form"), function (form) {
    if ((form.getAttribute("method") || "get").toLowerCase() !== "get") { return; }
    var action;
    try { action = new URL(form.getAttribute("action") || "", window.location.href); }
    catch (e) { return; }
    if (action.origin !== window.location.origin) { return; }
    campaign.forEach(function (pair) {
      if (form.elements.namedItem(pair[0])) { return; }
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = pair[0];
      input.value = pair[1];
      form.appendChild(input);
    });
  });

  campaign.forEach(function (pair) {
    var input = document.querySelector('input[type="hidden"][data-field="' + pair[0] + '"]');
    if (input) { input.value = pair[1]; }
  });
})();
