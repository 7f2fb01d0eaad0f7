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
