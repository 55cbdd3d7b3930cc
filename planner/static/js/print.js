// Print buttons ([data-print]) are hidden in the HTML and revealed here, so a page
// without JavaScript never shows a button that does nothing.
document.querySelectorAll("[data-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
