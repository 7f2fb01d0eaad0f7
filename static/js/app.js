// Behaviour that pages ask for by attribute, so no page needs inline script (the
// Content-Security-Policy allows only the app's own script files).
//   <form data-confirm="确定…？">      asks before submitting
//   <form class="submit-once">         disables its buttons once submitted (double click)
//   <select data-autosubmit>           submits its form when changed
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement)) return;
  const question = form.dataset.confirm;
  if (question && !window.confirm(question)) {
    event.preventDefault();
    return;
  }
  if (form.classList.contains("submit-once")) {
    // After this handler, so the clicked button's name/value still goes with the form.
    setTimeout(() => form.querySelectorAll("button").forEach((b) => (b.disabled = true)), 0);
  }
});
document.addEventListener("change", (event) => {
  const field = event.target;
  if (field instanceof HTMLSelectElement && field.hasAttribute("data-autosubmit") && field.form) {
    field.form.requestSubmit ? field.form.requestSubmit() : field.form.submit();
  }
});
