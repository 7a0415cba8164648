// /recherche/: Pagefind's interface over the static index in /pagefind/.
// Without JavaScript (or if the index cannot load) the page's plain list of links stays.
(function () {
  "use strict";
  var mount = document.getElementById("recherche");
  if (!mount || typeof window.PagefindUI !== "function") return;
  var ui = new window.PagefindUI({
    element: "#recherche",
    bundlePath: mount.getAttribute("data-bundle"),
    showSubResults: true,
    showImages: false,
    resetStyles: false,
  });
  mount.hidden = false;
  // /recherche/?q=… (the WebSite SearchAction announced in the home page's JSON-LD).
  var query = new URLSearchParams(window.location.search).get("q");
  if (query) ui.triggerSearch(query);
  var input = mount.querySelector("input");
  if (input) input.setAttribute("aria-label", "Rechercher dans le site");
})();
