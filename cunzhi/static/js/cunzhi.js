// Cunzhi's own few lines of script, loaded from a file (the pages carry no inline script).
// A <select data-autosubmit> sends its form as soon as a choice is made (the post switcher,
// the language); without script the form's own button does it.
document.addEventListener("change", (event) => {
  const select = event.target;
  if (select instanceof HTMLSelectElement && select.hasAttribute("data-autosubmit") && select.form) {
    select.form.requestSubmit();
  }
});
