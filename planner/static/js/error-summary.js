// After a refused save the page opens with an error summary ([data-error-summary]) at the top:
// move focus there, so a screen reader reads it first and the page is not left scrolled elsewhere.
// Its links go to each field; a radio group's link focuses the first choice.
const summary = document.querySelector("[data-error-summary]");
if (summary) {
  summary.focus();
}
