// The check-in button: ask the phone for its position, put it in the form's hidden fields, then
// send. A refusal, no GPS or a slow fix still checks in, without a position (the township sees it).
"use strict";

(function () {
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-geolocate")) { return; }
    if (form.dataset.located === "1" || !navigator.geolocation) { return; }
    event.preventDefault();
    var button = form.querySelector("button");
    if (button) { button.setAttribute("aria-busy", "true"); }
    function send() { form.dataset.located = "1"; form.requestSubmit(); }
    navigator.geolocation.getCurrentPosition(function (position) {
      form.elements.latitude.value = position.coords.latitude.toFixed(6);
      form.elements.longitude.value = position.coords.longitude.toFixed(6);
      form.elements.accuracy_m.value = Math.round(position.coords.accuracy);
      send();
    }, send, { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
  });
})();
