// Behaviour that pages ask for by attribute, so no page needs inline script (the
// Content-Security-Policy allows only the app's own script files).
//   <form data-confirm="确定…？">      asks before submitting
//   <form class="submit-once">         sent once only (static/submissions/submit_once.js)
//   <select data-autosubmit>           submits its form when changed
//   <button data-print>                prints the page (the recovery codes)
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement)) return;
  const question = form.dataset.confirm;
  if (question && !window.confirm(question)) {
    event.preventDefault();  // submit_once.js, loaded after this file, then leaves the form alone
  }
});
document.addEventListener("change", (event) => {
  const field = event.target;
  if (field instanceof HTMLSelectElement && field.hasAttribute("data-autosubmit") && field.form) {
    field.form.requestSubmit ? field.form.requestSubmit() : field.form.submit();
  }
});
document.addEventListener("click", (event) => {
  const button = event.target instanceof Element && event.target.closest("[data-print]");
  if (button) window.print();
});
