// After a refused conflicting save: copy parts of the refused text into the form, which
// now holds the current text. The body goes through the rich editor (editor.js) when it
// is there, else into the plain textarea.
(function () {
  "use strict";
  function bodyArea() {
    return document.querySelector('.richtext-area[data-for="id_body"]');
  }
  function setBody(html, append) {
    const area = bodyArea();
    const textarea = document.getElementById("id_body");
    if (area) {
      area.innerHTML = append ? area.innerHTML + html : html;
      area.dispatchEvent(new Event("input"));
    } else if (textarea) {
      textarea.value = append ? textarea.value + html : html;
    }
  }
  function flash(button) {
    const text = button.textContent;
    button.textContent = "已放入表单";
    setTimeout(() => (button.textContent = text), 1500);
  }
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-take-field],[data-take-body],[data-append-paragraph]");
    if (!button) return;
    if (button.dataset.takeField) {
      const input = document.getElementById(button.dataset.takeField);
      if (input) input.value = button.dataset.value;
      if (button.dataset.takeAlso) {
        const also = document.getElementById(button.dataset.takeAlso);
        if (also) also.value = button.dataset.alsoValue || "";
      }
    } else if (button.dataset.takeBody !== undefined) {
      setBody(button.dataset.takeBody, false);
    } else {
      setBody(button.dataset.appendParagraph, true);
    }
    flash(button);
  });
})();
