// /recherche/: a small French interface over Pagefind's search API (pagefind.js and its
// WebAssembly index in /pagefind/), loaded on the first search only. Without JavaScript,
// or if the index cannot load, the page's plain list of links is the way in.
(function () {
  "use strict";
  var mount = document.getElementById("recherche");
  if (!mount) return;
  var form = mount.querySelector("form");
  var input = mount.querySelector("input");
  var status = mount.querySelector(".search-status");
  var list = mount.querySelector(".search-results");
  var bundle = mount.getAttribute("data-bundle");
  var engine = null;
  var latest = 0;
  var timer = null;
  var SHOWN = 20;

  function load() {
    engine = engine || import(bundle + "pagefind.js");
    return engine;
  }

  function count(n) {
    return n === 0 ? "Aucun résultat" : n === 1 ? "1 résultat" : n + " résultats";
  }

  function show(pages, total, words) {
    list.textContent = "";
    pages.forEach(function (data) {
      var item = document.createElement("li");
      item.className = "search-result";
      // What the hit is (Territoire, Témoignage, Épisode, Actualité): plugins/search's
      // `type` filter of the page.
      var kind = data.filters && data.filters.type && data.filters.type[0];
      if (kind) {
        var type = document.createElement("p");
        type.className = "search-result-type";
        type.textContent = kind;
        item.appendChild(type);
      }
      var heading = document.createElement("h2");
      var link = document.createElement("a");
      link.className = "search-result-link";
      link.href = data.url;
      link.textContent = (data.meta && data.meta.title) || data.url;
      heading.appendChild(link);
      item.appendChild(heading);
      var excerpt = document.createElement("p");
      excerpt.innerHTML = data.excerpt; // Pagefind escapes the text and adds <mark>
      item.appendChild(excerpt);
      list.appendChild(item);
    });
    status.textContent = count(total) + " pour « " + words + " »" +
      (total > pages.length ? " (les " + pages.length + " premiers)" : "") + ".";
  }

  // The address says what was searched: ?q=… can be shared, reloaded, and Back returns
  // to it.
  function remember(words) {
    var params = new URLSearchParams(window.location.search);
    if (words) { params.set("q", words); } else { params.delete("q"); }
    var query = params.toString();
    if (query !== window.location.search.replace(/^\?/, "")) {
      window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : ""));
    }
  }

  function run(words) {
    var id = ++latest;
    words = words.trim();
    remember(words);
    if (!words) {
      status.textContent = "";
      list.textContent = "";
      return;
    }
    status.textContent = "Recherche en cours…";
    load()
      .then(function (pagefind) { return pagefind.search(words); })
      .then(function (search) {
        var top = search.results.slice(0, SHOWN);
        return Promise.all(top.map(function (r) { return r.data(); })).then(function (pages) {
          if (id === latest) show(pages, search.results.length, words);
        });
      })
      .catch(function () {
        if (id === latest) {
          status.textContent = "La recherche n’a pas pu se charger : " +
            "utilisez la liste des pages ci-dessous.";
        }
      });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { run(input.value); }, 250);
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(timer);
    run(input.value);
  });
  mount.hidden = false;
  // /recherche/?q=… (the WebSite SearchAction announced in the home page's JSON-LD).
  var query = new URLSearchParams(window.location.search).get("q");
  if (query) {
    input.value = query;
    run(query);
  }
})();
