// Cunzhi's own behaviour, kept out of the templates so the Content-Security-Policy can forbid
// inline script, inline event handlers and inline styles (docs/deploy.md).
"use strict";

(function () {
  // A <select data-autosubmit> sends its form as soon as a choice is made (post and language
  // switchers); without script the form's own button does it.
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target instanceof HTMLSelectElement && target.hasAttribute("data-autosubmit") && target.form) {
      target.form.requestSubmit();
    }
  });

  // A tag's colour is data an administrator chooses; a style="" attribute would need
  // 'unsafe-inline' in style-src, while setting the property from script does not.
  var COLOUR = /^#[0-9a-fA-F]{6}$/;

  function paintTags(root) {
    var tags = root.querySelectorAll ? root.querySelectorAll("[data-colour]") : [];
    tags.forEach(function (tag) {
      var colour = tag.getAttribute("data-colour");
      if (COLOUR.test(colour)) {
        tag.style.backgroundColor = colour;
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () { paintTags(document); });
  // Content that htmx swaps in (search results, tables) is painted as it arrives.
  document.addEventListener("htmx:load", function (event) { paintTags(event.target); });
})();
