/* Podcast pages, enhancement only: without this file chapter and transcript links open
   the audio file at that time (media fragment #t=) and the feed address can be copied
   by hand from its field. No inline script, so it runs under a strict CSP. */
(function () {
  "use strict";

  var player = document.querySelector("audio[data-podcast-player]");
  if (player) {
    var chapterLinks = Array.prototype.slice.call(document.querySelectorAll(".chapter-link"));

    var seek = function (seconds) {
      var go = function () {
        player.currentTime = seconds;
        var playing = player.play();
        if (playing && playing.catch) { playing.catch(function () {}); }
      };
      // preload="none": nothing is loaded until asked, and seeking needs the metadata.
      if (player.readyState >= 1) {
        go();
      } else {
        player.addEventListener("loadedmetadata", go, { once: true });
        player.preload = "metadata";
        player.load();
      }
    };

    document.addEventListener("click", function (event) {
      var link = event.target.closest ? event.target.closest("a[data-start]") : null;
      if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) {
        return;
      }
      event.preventDefault();
      seek(parseFloat(link.getAttribute("data-start")) || 0);
    });

    // The chapter being heard is marked for sighted and screen reader users alike.
    player.addEventListener("timeupdate", function () {
      var current = null;
      chapterLinks.forEach(function (link) {
        if (parseFloat(link.getAttribute("data-start")) <= player.currentTime) { current = link; }
      });
      chapterLinks.forEach(function (link) {
        if (link === current) {
          link.setAttribute("aria-current", "true");
        } else {
          link.removeAttribute("aria-current");
        }
      });
    });
  }

  // Podcast index: copy the feed address for a podcast app.
  Array.prototype.forEach.call(document.querySelectorAll("button[data-copy]"), function (button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    var status = button.closest(".feed-copy") ? button.closest(".feed-copy").querySelector(".copy-status") : null;
    // Shown from the first paint where scripts run (podcast.css); taken away where the
    // browser offers no clipboard (a page not served over HTTPS).
    if (!field || !navigator.clipboard) { button.hidden = true; return; }
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(function () {
        if (status) { status.textContent = "Adresse copiée : collez-la dans votre application de podcast."; }
      }, function () {
        field.select();
        if (status) { status.textContent = "Copie impossible : l’adresse est sélectionnée, copiez-la avec Ctrl+C."; }
      });
    });
  });
})();
