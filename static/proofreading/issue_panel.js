// The assembly page's 校对 panel: fetched once the page has loaded (and again with 重新检查).
// A correction made in the panel (改为「…」, 全部改正) is posted from here and the panel is
// fetched again with the result message at its top, which takes the focus so a screen
// reader reads it; without JavaScript the form posts and the page comes back as usual.
(function () {
  var slot = document.getElementById("proofreading");
  if (!slot || !slot.dataset.panelUrl) return;
  function show(html, focusMessage) {
    slot.innerHTML = html;
    var again = slot.querySelector("[data-recheck]");
    if (again) again.addEventListener("click", function () { load(); });
    var message = slot.querySelector(".proof-messages");
    if (focusMessage && message) message.focus();
    else if (location.hash === "#proofreading") slot.scrollIntoView();
  }
  function failed() {
    var body = slot.querySelector(".card-body");
    if (body) body.textContent = "校对结果暂时无法载入，请刷新页面。";
  }
  function load() {
    fetch(slot.dataset.panelUrl, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.text();
      })
      .then(function (html) { show(html, false); })
      .catch(failed);
  }
  slot.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-panel-form")) return;
    event.preventDefault();
    if (form.dataset.sending) return;
    form.dataset.sending = "1";
    var data = new FormData(form);
    data.set("next", slot.dataset.panelUrl); // the view redirects to the fragment, message included
    form.querySelectorAll("button").forEach(function (button) { button.disabled = true; });
    slot.setAttribute("aria-busy", "true");
    fetch(form.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" },
    })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.text();
      })
      .then(function (html) { show(html, true); })
      .catch(failed)
      .finally(function () { slot.removeAttribute("aria-busy"); });
  });
  load();
})();
