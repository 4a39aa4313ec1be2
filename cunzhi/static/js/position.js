// The phone's position (navigator.geolocation) into a form's latitude and longitude fields (and
// accuracy_m where the form has one), for the forms marked <form data-geolocate="...">:
//   "submit": the residency check-in, hidden fields. Asked for when the button is pressed, then
//             the form is sent; a refusal, no GPS or no fix within 10 s sends it without one.
//   "fill":   the visit form, fields the cadre sees and may change. Asked for when the page opens;
//             only fields still empty are filled, and the form's [data-geolocate-status] element
//             says what happened, in the words its data-* attributes give (translated there).
// Without script, or without a position, the fields stay empty and the form sends as it is.
"use strict";

(function () {
  var OPTIONS = { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 };
  var REASONS = { 1: "denied", 2: "unavailable", 3: "timeout" };

  function put(form, coords) {
    form.elements.latitude.value = coords.latitude.toFixed(6);
    form.elements.longitude.value = coords.longitude.toFixed(6);
    if (form.elements.accuracy_m) { form.elements.accuracy_m.value = Math.round(coords.accuracy); }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || form.getAttribute("data-geolocate") !== "submit") { return; }
    if (form.dataset.located === "1" || !navigator.geolocation) { return; }
    event.preventDefault();
    var button = form.querySelector("button");
    if (button) { button.setAttribute("aria-busy", "true"); }
    function send() { form.dataset.located = "1"; form.requestSubmit(); }
    navigator.geolocation.getCurrentPosition(function (position) {
      put(form, position.coords);
      send();
    }, send, OPTIONS);
  });

  function fill(form) {
    var latitude = form.elements.latitude;
    var longitude = form.elements.longitude;
    // A position typed, or sent back with the form's errors, is the cadre's: never replaced.
    if (!latitude || !longitude || latitude.value || longitude.value) { return; }
    var status = form.querySelector("[data-geolocate-status]");
    function say(key, metres) {
      if (status) { status.textContent = (status.getAttribute("data-" + key) || "").replace("{m}", metres); }
    }
    if (!navigator.geolocation) { say("unsupported"); return; }
    say("asking");
    navigator.geolocation.getCurrentPosition(function (position) {
      if (latitude.value || longitude.value) {  // typed while the phone was looking
        if (status) { status.textContent = ""; }
        return;
      }
      put(form, position.coords);
      say("found", Math.round(position.coords.accuracy));
    }, function (error) {
      say(REASONS[error.code] || "unavailable");
    }, OPTIONS);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-geolocate=fill]").forEach(fill);
  });
})();
