// Stands in for sanitize-html, which the widget manager uses for one thing: widget
// descriptions marked `description_allow_html`. None of the apps' widgets uses that, so
// the page shows such a description as plain text (every character escaped) instead of
// shipping sanitize-html, postcss and htmlparser2 (about a quarter of the bundle and
// 0.1 s of script evaluation on every page load). Escaping is stricter than sanitizing:
// no markup from a description can reach the page.
function escapeHtml(text) {
  return String(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

module.exports = function sanitize(html) {
  return escapeHtml(html);
};
