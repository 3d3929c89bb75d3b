// Runs in the head, before anything is drawn: a page opened from a badge
// link (#TSR1:...) hides its "nothing checked yet" result until app.js has
// the verdict (app.js removes the mark, in the same task as it draws the
// verdict or the reason it could not start).
(function () {
  "use strict";
  if (/TSR1(:|%3A)/i.test(location.hash)) document.documentElement.setAttribute("data-link", "");
})();
