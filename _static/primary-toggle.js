// sphinx-book-theme 1.3.0 on pydata-sphinx-theme 0.17.1 renders two ".primary-toggle" buttons (a
// hidden one in the header and the visible one in the article header), and both themes' scripts
// bind only the first. Forward clicks on the visible button(s) to the bound one, so the chapter
// list opens on phones and collapses on desktops.
document.addEventListener("DOMContentLoaded", () => {
  const toggles = Array.from(document.querySelectorAll(".primary-toggle"));
  if (toggles.length < 2) return;
  const bound = toggles[0];
  toggles.slice(1).forEach((button) => {
    button.addEventListener("click", (event) => {
      event.preventDefault();
      event.stopPropagation();
      bound.click();
    });
  });
});
