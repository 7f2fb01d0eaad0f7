// A double click (or a second click while the answer is slow) must not send a form twice:
// once a form.submit-once is sent, a second submit is stopped and its buttons are disabled —
// after the browser has read the form, so a button's own name and value still go with it.
// A page restored by the browser's Back button has its buttons enabled again.
(function () {
  "use strict";
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!form.classList.contains("submit-once") || event.defaultPrevented) return;
    if (form.dataset.sent) {
      event.preventDefault();
      return;
    }
    form.dataset.sent = "1";
    setTimeout(() => form.querySelectorAll("button").forEach((button) => (button.disabled = true)), 0);
  });
  window.addEventListener("pageshow", (event) => {
    if (!event.persisted) return;
    document.querySelectorAll("form.submit-once").forEach((form) => {
      delete form.dataset.sent;
      form.querySelectorAll("button").forEach((button) => (button.disabled = false));
    });
  });
})();
