// A link to a finding (…/review/12/#para-4) lands on its paragraph even when the page's
// editor grows the content above it after the browser has scrolled: scroll again once
// everything has loaded.
(function () {
  function land() {
    var id = decodeURIComponent(location.hash.slice(1));
    if (!/^(para-|similar$|proofreading$)/.test(id)) return;
    var target = document.getElementById(id);
    if (target) target.scrollIntoView({ block: "center" });
  }
  window.addEventListener("load", function () { requestAnimationFrame(land); });
  window.addEventListener("hashchange", land);
})();
// The page came back after a correction made in the panel: its result, shown at the top
// of the panel, takes the focus (a screen reader reads it; Tab goes on from there).
(function () {
  window.addEventListener("load", function () {
    var result = document.querySelector("#proofreading .proof-messages");
    if (result) result.focus({ preventScroll: false });
  });
})();
