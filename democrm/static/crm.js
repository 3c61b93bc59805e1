// Opens and closes the Export dialog and the "More Actions" menu; the dialog's form posts the export.
document.addEventListener("click", (event) => {
  const menuButton = event.target.closest("[data-menu]");
  document.querySelectorAll('[role="menu"]').forEach((menu) => {
    const opens = menuButton && menuButton.getAttribute("aria-controls") === menu.id && menu.hidden;
    menu.hidden = !opens;
    const owner = document.querySelector(`[aria-controls="${menu.id}"]`);
    if (owner) owner.setAttribute("aria-expanded", String(opens));
  });
  const opener = event.target.closest("[data-open-dialog]");
  if (opener) document.getElementById(opener.dataset.openDialog).showModal();
  const closer = event.target.closest("[data-close-dialog]");
  if (closer) closer.closest("dialog").close();
});
// Once the export is requested the dialog has done its job (the download arrives separately).
document.addEventListener("submit", (event) => {
  const dialog = event.target.closest("dialog");
  if (dialog) setTimeout(() => dialog.close(), 0);
});
// A report that is still generating shows a spinner; the table appears when the run finishes.
document.addEventListener("DOMContentLoaded", () => {
  const body = document.querySelector("#report-body[data-run]");
  if (!body) return;
  fetch(body.dataset.run, { credentials: "same-origin" }).then(() => {
    body.hidden = false;
    document.getElementById("generating")?.remove();
  });
});
