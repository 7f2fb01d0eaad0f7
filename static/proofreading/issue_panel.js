// The assembly page's 校对 panel: fetched once the page has loaded (and again with 重新检查).
(function () {
  var slot = document.getElementById("proofreading");
  if (!slot || !slot.dataset.panelUrl) return;
  function load() {
    fetch(slot.dataset.panelUrl, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.text();
      })
      .then(function (html) {
        slot.innerHTML = html;
        var again = slot.querySelector("[data-recheck]");
        if (again) again.addEventListener("click", load);
        if (location.hash === "#proofreading") slot.scrollIntoView();
      })
      .catch(function () {
        var body = slot.querySelector(".card-body");
        if (body) body.textContent = "校对结果暂时无法载入，请刷新页面。";
      });
  }
  load();
})();
