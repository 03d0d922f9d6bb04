// Behaviour every page shares, without inline scripts (the Content-Security-Policy
// allows only the platform's own files): print buttons.
(function () {
  document.addEventListener('click', function (e) {
    var t = e.target.closest ? e.target.closest('[data-print]') : null;
    if (t) { e.preventDefault(); window.print(); }
  });
})();
