// Opens and closes the Export dialog; the dialog's own form posts the export request.
document.addEventListener("click", (event) => {
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
